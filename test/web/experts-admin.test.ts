import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { userIdOf } from './flows.js';
import {
  browserSuite,
  eventually,
  expectError,
  expectText,
  newPhone,
  registerThroughPage,
  type Server,
} from './support.js';
import { emptyDoctorsList } from './pages.js';

const PASSWORD = 'correct horse';

const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;

/** A doctor's account made directly by the service (no session needed), named or, as a new account is, not. */
async function doctor(server: Server, name: string | null): Promise<{ id: number; phone: string }> {
  const phone = newPhone();
  const created = await server.app.services.accounts.createAccount(
    { phone, passwordHash: 'not used', types: 'expert' },
    null,
    { ip: '127.0.0.1', userAgent: undefined },
  );
  assert.ok(created);
  if (name !== null)
    await server.app.services.profiles.updateProfile(created.user, { name, major: '心内科' });
  return { id: created.user.id, phone };
}

/** Registers an admin in `page` and opens the admin page from the home page's link. */
async function openAdminPage(page: Page, server: Server): Promise<void> {
  await registerThroughPage(page, server, newPhone(), PASSWORD);
  await server.app.services.admin.setRole(await userIdOf(page, server), 'admin');
  await page.reload();
  await page.getByRole('link', { name: '管理后台' }).click();
  await page.getByLabel('按手机号查找账号').waitFor();
}

describe('the doctors and admin pages', () => {
  const suite = browserSuite();

  it('doctors approved from the queue appear on the doctors page as cards, a page at a time, never by phone', async () => {
    const admin = await suite.openTab();
    const { page } = admin;
    await openAdminPage(page, suite.server);
    // Earlier registrations in this server may be pending too: only these three are looked at.
    const named = [await doctor(suite.server, '李明'), await doctor(suite.server, '张华')];
    const unnamed = await doctor(suite.server, null);
    await page.reload();
    const row = (id: number) => page.locator(`#queue li[data-user-id="${id}"]`);
    await expectText(row(named[0]!.id).locator('.queue-name'), '李明', 'a named doctor');
    await expectText(
      row(named[0]!.id).locator('.queue-meta'),
      new RegExp(`^${masked(named[0]!.phone).replace(/\*/g, '\\*')} · 医生`),
      'masked',
    );
    await expectText(
      row(unnamed.id).locator('.queue-name'),
      `${masked(unnamed.phone)} 未填写姓名`,
      'no name: the masked phone stands for it',
    );
    assert.doesNotMatch(
      (await page.locator('#queue').textContent()) ?? '',
      new RegExp(unnamed.phone),
      'no whole phone',
    );

    for (const [id, who] of [
      [named[0]!.id, '李明'],
      [named[1]!.id, '张华'],
      [unnamed.id, masked(unnamed.phone)],
    ] as const) {
      await row(id)
        .getByRole('button', { name: `通过审核：${who}` })
        .click();
      await expectText(page.locator('#queue-status'), `已通过 ${who} 的医生资格审核`, 'result');
      await eventually(
        () => row(id).count(),
        (n) => n === 0,
        'the doctor left the queue',
      );
    }

    await page.goto(`${suite.server.origin}/experts?count=2`);
    await expectText(page.locator('#page-of'), '第 1 / 2 页', 'paging');
    const cards = page.locator('#experts > li');
    assert.equal(await cards.count(), 2);
    assert.deepEqual(await cards.locator('h2').allTextContents(), ['李明', '张华']);
    assert.deepEqual(await cards.locator('.avatar').allTextContents(), ['李', '张'], 'an initial as avatar');
    assert.deepEqual(await cards.locator('.doctor-major').allTextContents(), ['心内科', '心内科']);
    assert.equal(await page.getByRole('link', { name: '上一页' }).isVisible(), false);
    // Paging works from the keyboard.
    await page.getByRole('link', { name: '下一页' }).focus();
    await page.keyboard.press('Enter');
    await expectText(page.locator('#page-of'), '第 2 / 2 页', 'second page');
    assert.equal(await cards.count(), 1);
    await expectText(cards.locator('h2'), '未填写姓名的医生', 'no name: no phone either');
    assert.doesNotMatch(
      (await page.locator('main').textContent()) ?? '',
      /\d{11}/,
      'no phone on the public list',
    );
    await page.getByRole('link', { name: '上一页' }).click();
    await expectText(page.locator('#page-of'), '第 1 / 2 页', 'back to the first page');
    await page.getByRole('link', { name: '李明' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), '李明', 'the doctor’s page');
    await expectText(page.locator('#expert-major'), '心内科', 'major');
    await expectText(page.locator('#expert-grade'), '未填写', 'grade');
    assert.deepEqual(admin.problems, []);
    await admin.close();
  });

  it('the doctors page says so when nobody is approved yet, and past the last page offers the way back', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await emptyDoctorsList(page);
    await page.goto(`${suite.server.origin}/experts`);
    await expectText(
      page.locator('#experts-empty'),
      /^暂时还没有通过审核的医生\s+医生通过资格审核后会出现在这里。$/,
      'empty state',
    );
    assert.equal(await page.locator('#experts').isVisible(), false);
    assert.equal(await page.locator('#paging').isVisible(), false);
    await page.unroute('**/api/1.0/experts?*');

    await page.goto(`${suite.server.origin}/experts?page=500`);
    await expectText(page.locator('#empty-title'), '这一页没有医生', 'past the last page');
    assert.equal(await page.locator('#empty-hint').isVisible(), false);
    assert.equal(await page.locator('#experts').isVisible(), false);
    assert.equal(await page.getByRole('link', { name: '上一页' }).isVisible(), true);
    assert.equal(await page.getByRole('link', { name: '下一页' }).isVisible(), false);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('an admin finds an account by phone; disabling asks in the page first, ends its session and stops its logins', async () => {
    const admin = await suite.openTab();
    await openAdminPage(admin.page, suite.server);
    const victim = await suite.openTab();
    const phone = newPhone();
    await registerThroughPage(victim.page, suite.server, phone, PASSWORD);
    const { page } = admin;

    await page.getByLabel('按手机号查找账号').fill('1380013');
    await page.getByRole('button', { name: '查找' }).click();
    await expectError(page, '按手机号查找账号', '请输入正确的 11 位手机号码');
    await page.getByLabel('按手机号查找账号').fill(phone);
    await page.getByRole('button', { name: '查找' }).click();
    await expectText(page.locator('#queue-title'), '查找结果', 'results');
    await expectText(page.locator('#queue-count'), '找到 1 个账号', 'found');
    const row = page.locator('#queue li');
    await expectText(row.locator('.queue-name'), `${masked(phone)} 未填写姓名`, 'the account');
    assert.equal(await row.getByRole('button', { name: /^通过审核/ }).count(), 0, 'a patient is not vetted');

    const disable = row.getByRole('button', { name: `停用账号：${masked(phone)}` });
    await disable.click();
    const dialog = page.getByRole('dialog', { name: '停用这个账号？' });
    await expectText(
      dialog.locator('#confirm-text'),
      `确定要停用 ${masked(phone)} 的账号吗？其所有登录将退出。`,
      'asked',
    );
    // Esc says no: nothing changes, and the keyboard is back on the button.
    await page.keyboard.press('Escape');
    assert.equal(await dialog.isVisible(), false);
    assert.equal(
      await page.evaluate("document.activeElement.getAttribute('aria-label')"),
      `停用账号：${masked(phone)}`,
      'focus returns to the button',
    );
    await victim.page.reload();
    await expectText(victim.page.getByRole('heading', { level: 1 }), '你好', 'still logged in');

    await disable.click();
    await dialog.getByRole('button', { name: '停用账号' }).click();
    await expectText(
      page.locator('#queue-status'),
      `已停用 ${masked(phone)} 的账号，其所有登录已退出`,
      'result',
    );
    await expectText(row.locator('.badge'), '已停用', 'marked disabled');

    await victim.page.reload();
    await expectText(victim.page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'logged out');
    await victim.page.goto(`${suite.server.origin}/login`);
    await victim.page.getByLabel('手机号').fill(phone);
    await victim.page.getByLabel('密码').fill(PASSWORD);
    await victim.page.getByRole('button', { name: '登录', exact: true }).click();
    await expectText(victim.page.getByRole('alert'), '这个账号已被停用，请联系管理员', 'refused');

    await row.getByRole('button', { name: `启用账号：${masked(phone)}` }).click();
    await expectText(page.locator('#queue-status'), `已启用 ${masked(phone)} 的账号`, 'result');
    await page.getByRole('button', { name: '返回待审核列表' }).click();
    await expectText(page.locator('#queue-title'), '待审核的医生', 'the queue again');
    assert.deepEqual(admin.problems, []);
    await admin.close();
    await victim.close();
  });

  it('a non-admin on the admin page is told it is for admins only; a guest is asked to log in', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/admin`);
    await expectText(page.getByRole('heading', { level: 2 }), '请先登录', 'guest');
    await registerThroughPage(page, suite.server, newPhone(), PASSWORD);
    assert.equal(await page.getByRole('link', { name: '管理后台' }).isVisible(), false, 'no admin link');
    await page.goto(`${suite.server.origin}/admin`);
    await expectText(page.locator('#forbidden-title'), '仅限管理员', 'forbidden');
    assert.equal(await page.getByLabel('按手机号查找账号').isVisible(), false);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
