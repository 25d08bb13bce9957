import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { inputMaxLength, PROFILE_FIELD_NAMES, PROFILE_FIELDS } from '../../src/shared/profile-fields.js';
import { currentUser } from '../../web/src/api.js';
import { sessionCookie } from './flows.js';
import {
  browserSuite,
  expectError,
  expectText,
  newPhone,
  logInThroughPage,
  registerThroughPage,
} from './support.js';

const PASSWORD = 'correct horse';

describe('the account page', () => {
  const suite = browserSuite();

  it('a doctor edits the profile from home; the new name greets them on home; the vetting is pending', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    await registerThroughPage(page, suite.server, phone, PASSWORD, 'expert');
    await page.getByRole('link', { name: /^个人资料/ }).click();
    await expectText(page.locator('#expert-status'), '待审核', 'vetting status');
    assert.equal(
      await page.getByLabel('姓名').inputValue(),
      '',
      'the phone is no name: not pre-filled with it',
    );
    await page.getByLabel('姓名').fill('李医生');
    await page.getByLabel('年龄').fill('200');
    await page.getByLabel('地址').fill('北京市海淀区');
    await page.getByLabel('专业科室').fill('心内科');
    await page.getByLabel('职称').selectOption('professor');
    await page.getByRole('button', { name: '保存资料' }).click();
    await expectError(page, '年龄', '年龄须为 0–150 的整数');
    assert.equal(await page.getByLabel('地址').inputValue(), '北京市海淀区', 'what was typed stays');
    await page.getByLabel('年龄').fill('45');
    await page.getByRole('button', { name: '保存资料' }).click();
    await expectText(page.locator('#profile-saved'), '资料已保存', 'saved');
    await page.reload();
    await expectText(page.locator('#expert-status'), '待审核', 'vetting status');
    assert.equal(await page.getByLabel('专业科室').inputValue(), '心内科');
    assert.equal(await page.getByLabel('职称').inputValue(), 'professor');
    assert.equal(await page.getByLabel('年龄').inputValue(), '45');
    await page.goto(suite.server.origin);
    await expectText(page.getByRole('heading', { level: 1 }), '你好，李医生', 'the new name on home');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a patient sees no doctor fields', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await registerThroughPage(page, suite.server, newPhone(), PASSWORD, 'patient');
    await page.goto(`${suite.server.origin}/account`);
    await page.getByLabel('姓名').waitFor();
    assert.equal(await page.getByLabel('专业科室').isVisible(), false);
    await tab.close();
  });

  it('the profile form takes its limits and its doctors’ fields from src/shared/profile-fields.ts', async () => {
    const source = readFileSync(new URL('../../web/account.html', import.meta.url), 'utf8');
    for (const name of PROFILE_FIELD_NAMES) {
      const tag = source.match(new RegExp(`<(?:input|select)\\s[^>]*\\bid="${name}"[^>]*>`))?.[0] ?? '';
      assert.ok(tag !== '', `account.html has a control for ${name}`);
      assert.doesNotMatch(tag, /maxlength|required/, `${name}: no limit written in the HTML`);
    }
    for (const type of ['patient', 'expert'] as const) {
      const tab = await suite.openTab();
      const { page } = tab;
      await registerThroughPage(page, suite.server, newPhone(), PASSWORD, type);
      await page.goto(`${suite.server.origin}/account`);
      await page.getByLabel('姓名').waitFor();
      for (const name of PROFILE_FIELD_NAMES) {
        const field = PROFILE_FIELDS[name];
        const control = page.locator(`#${name}`);
        const shown = type === 'expert' || field.setBy === 'everyone';
        assert.equal(await control.isVisible(), shown, `${type}: ${name} shown`);
        const maxLength = inputMaxLength(field);
        if (maxLength !== null)
          assert.equal(await control.getAttribute('maxlength'), String(maxLength), name);
        // A new account's name is its phone, shown as no name: required only once one is set.
        assert.equal(
          await control.evaluate((e) => (e as { required: boolean }).required),
          !field.clearable && name !== 'name',
          name,
        );
      }
      // One character past the limit, as a script or an old browser could put it, is caught before sending.
      const limit = PROFILE_FIELDS.name.maxLength;
      await page
        .locator('#name')
        .evaluate((e, value) => ((e as { value: string }).value = value), '名'.repeat(limit + 1));
      await page.getByRole('button', { name: '保存资料' }).click();
      await expectError(page, '姓名', `姓名最多 ${limit} 个字`);
      assert.deepEqual(tab.problems, []);
      await tab.close();
    }
  });

  it('changing the password ends the session of another suite.browser, not this one', async () => {
    const phone = newPhone();
    const tab = await suite.openTab();
    const { page } = tab;
    await registerThroughPage(page, suite.server, phone, PASSWORD);
    const other = await suite.openTab();
    await logInThroughPage(other.page, suite.server, phone, PASSWORD);
    const otherCookie = await sessionCookie(other.page);

    await page.goto(`${suite.server.origin}/account`);
    await expectText(page.locator('#sessions'), /本设备/, 'the sessions listed');
    assert.equal(await page.locator('#sessions li').count(), 2);
    await page.getByLabel('当前密码').fill('not the password');
    await page.getByLabel('新密码', { exact: true }).fill('battery staple');
    await page.getByLabel('确认新密码').fill('battery staple');
    await page.getByRole('button', { name: '确认修改' }).click();
    await expectError(page, '当前密码', '当前密码不正确');
    assert.equal(await page.getByLabel('新密码', { exact: true }).inputValue(), 'battery staple');
    await page.getByLabel('当前密码').fill(PASSWORD);
    await page.getByRole('button', { name: '确认修改' }).click();
    await expectText(page.locator('#password-saved'), '密码已修改，其他设备上的登录已全部退出', 'changed');
    await expectText(page.locator('#sessions'), /^(?!.*退出该设备)/, 'only this device is left');
    assert.equal(await page.locator('#sessions li').count(), 1);

    const old = await currentUser({ baseUrl: suite.server.apiBase, headers: otherCookie });
    assert.equal(old.kind === 'refused' && old.code, '4101', 'the other browser is logged out');
    await other.page.goto(`${suite.server.origin}/account`);
    await expectText(other.page.getByRole('heading', { level: 2 }), '请先登录', 'other browser');
    await page.reload();
    await page.getByLabel('姓名').waitFor();
    await expectText(page.locator('#audit'), /修改密码 · 成功/, 'the audit shows the change');
    assert.deepEqual(tab.problems, []);
    await other.close();
    await tab.close();
  });

  it('ends another device from the list, and then all others', async () => {
    const phone = newPhone();
    const tab = await suite.openTab();
    const { page } = tab;
    await registerThroughPage(page, suite.server, phone, PASSWORD);
    const second = await suite.openTab();
    await logInThroughPage(second.page, suite.server, phone, PASSWORD);
    const third = await suite.openTab();
    await logInThroughPage(third.page, suite.server, phone, PASSWORD);

    await page.goto(`${suite.server.origin}/account`);
    await expectText(page.locator('#sessions li').first(), /./, 'sessions');
    assert.equal(await page.locator('#sessions li').count(), 3);
    await page.getByRole('button', { name: '退出该设备' }).first().click();
    await expectText(page.locator('#sessions-status'), '已退出该设备的登录', 'ended');
    assert.equal(await page.locator('#sessions li').count(), 2);
    await page.getByRole('button', { name: '退出其他所有设备' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '全部退出' }).click();
    await expectText(page.locator('#sessions-status'), '其他设备上的登录已全部退出', 'all ended');
    assert.equal(await page.locator('#sessions li').count(), 1);
    assert.equal(await page.getByRole('button', { name: '退出其他所有设备' }).isVisible(), false);
    for (const other of [second, third]) {
      await other.page.goto(`${suite.server.origin}/account`);
      await expectText(other.page.getByRole('heading', { level: 2 }), '请先登录', 'other browser');
      await other.close();
    }
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('an app’s sign-in is listed as the phone app it is, beside this browser', async () => {
    const phone = newPhone();
    const tab = await suite.openTab();
    const { page } = tab;
    await registerThroughPage(page, suite.server, phone, PASSWORD);
    // The same person signs in from the phone app (bearer tokens, X-Client: app).
    const app = await fetch(`${suite.server.origin}/api/1.0/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-client': 'app' },
      body: JSON.stringify({ phone, password: PASSWORD }),
    });
    assert.equal(((await app.json()) as { re_code: string }).re_code, '0');
    await page.goto(`${suite.server.origin}/account#security`);
    await expectText(page.locator('#sessions li').nth(1), /./, 'two sessions');
    const items = await page.locator('#sessions li .item-title').allTextContents();
    assert.equal(items.filter((t) => t.includes('手机应用')).length, 1, items.join(' | '));
    assert.equal(
      items.filter((t) => t.includes('本设备') && !t.includes('手机应用')).length,
      1,
      items.join(' | '),
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
