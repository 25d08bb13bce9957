import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { userIdOf } from './flows.js';
import {
  browserSuite,
  eventually,
  expectError,
  expectText,
  newPhone,
  registerThroughPage,
} from './support.js';

const PASSWORD = 'correct horse';

describe('the doctors and admin pages', () => {
  const suite = browserSuite();

  it('a doctor approved by an admin on the admin page then appears on the doctors page, with paging', async () => {
    const admin = await suite.openTab();
    await registerThroughPage(admin.page, suite.server, newPhone(), PASSWORD);
    await suite.server.app.services.admin.setRole(await userIdOf(admin.page, suite.server), 'admin');
    const doctorIds: number[] = [];
    for (let i = 0; i < 3; i++) {
      const doctor = await suite.openTab();
      await registerThroughPage(doctor.page, suite.server, newPhone(), PASSWORD, 'expert');
      doctorIds.push(await userIdOf(doctor.page, suite.server));
      await doctor.close();
    }
    const { page } = admin;
    await page.reload();
    await page.getByRole('link', { name: '管理后台' }).click();
    await page.getByLabel('用户 ID').waitFor();
    await page.getByRole('button', { name: '通过审核' }).click();
    await expectError(page, '用户 ID', '请输入用户 ID');
    await page.getByLabel('用户 ID').fill('999999');
    await page.getByRole('button', { name: '通过审核' }).click();
    await expectError(page, '用户 ID', '没有这个用户');
    for (const id of doctorIds) {
      await page.getByLabel('用户 ID').fill(String(id));
      await page.getByRole('button', { name: '通过审核' }).click();
      await expectText(page.locator('#admin-result'), `已通过用户 ${id} 的医生资格审核`, 'result');
    }

    await page.goto(`${suite.server.origin}/experts?count=2`);
    await expectText(page.locator('#page-of'), '第 1 / 2 页', 'paging');
    assert.equal(await page.locator('#experts li').count(), 2);
    assert.equal(await page.getByRole('link', { name: '上一页' }).isVisible(), false);
    await page.getByRole('link', { name: '下一页' }).click();
    await expectText(page.locator('#page-of'), '第 2 / 2 page'.replace('page', '页'), 'second page');
    assert.equal(await page.locator('#experts li').count(), 1);
    const link = page.locator('#experts a').first();
    const name = (await link.textContent()) ?? '';
    await link.click();
    await expectText(page.getByRole('heading', { level: 1 }), name, 'the doctor’s page');
    await expectText(page.locator('#expert-grade'), '未填写', 'grade');
    assert.deepEqual(admin.problems, []);
    await admin.close();
  });

  it('an admin approves a doctor from the queue of those awaiting approval, and finds an account by phone', async () => {
    const admin = await suite.openTab();
    await registerThroughPage(admin.page, suite.server, newPhone(), PASSWORD);
    await suite.server.app.services.admin.setRole(await userIdOf(admin.page, suite.server), 'admin');
    const doctor = await suite.openTab();
    const doctorPhone = newPhone();
    await registerThroughPage(doctor.page, suite.server, doctorPhone, PASSWORD, 'expert');
    const doctorId = await userIdOf(doctor.page, suite.server);
    const name = doctorPhone; // a new account is named after its phone
    await doctor.close();

    const { page } = admin;
    await page.goto(`${suite.server.origin}/admin`);
    const row = page.locator('#queue li', { hasText: `ID ${doctorId}）` });
    await expectText(
      row.locator('span'),
      `${name}（${doctorPhone.slice(0, 3)}****${doctorPhone.slice(-4)}，ID ${doctorId}）待审核`,
      'the row',
    );
    await row.getByRole('button', { name: `通过 ${name} 的审核` }).click();
    await expectText(page.locator('#queue-status'), `已通过用户 ${doctorId} 的医生资格审核`, 'result');
    await eventually(
      () => row.count(),
      (n) => n === 0,
      'the doctor left the queue',
    );

    await page.getByLabel('按手机号查找账号').fill(doctorPhone);
    await page.getByRole('button', { name: '查找' }).click();
    await expectText(row.locator('span'), /已通过$/, 'found by phone, approved');
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await row.getByRole('button', { name: `停用 ${name} 的账号` }).click();
    await eventually(
      async () => asked,
      (message) => message !== '',
      'asked to confirm',
    );
    assert.equal(asked, `确定要停用 ${name} 的账号吗？其所有登录将退出。`);
    await expectText(row.locator('span'), /已通过$/, 'not disabled when the admin says no');

    await page.goto(`${suite.server.origin}/experts?count=50`);
    await expectText(page.locator('#experts'), new RegExp(name), 'now among the doctors');
    assert.deepEqual(admin.problems, []);
    await admin.close();
  });

  it('an admin disables an account: its session ends and it cannot log in', async () => {
    const admin = await suite.openTab();
    await registerThroughPage(admin.page, suite.server, newPhone(), PASSWORD);
    await suite.server.app.services.admin.setRole(await userIdOf(admin.page, suite.server), 'admin');
    const victim = await suite.openTab();
    const phone = newPhone();
    await registerThroughPage(victim.page, suite.server, phone, PASSWORD);
    const id = await userIdOf(victim.page, suite.server);

    await admin.page.goto(`${suite.server.origin}/admin`);
    await admin.page.getByLabel('用户 ID').fill(String(id));
    await admin.page.getByRole('button', { name: '驳回审核' }).click();
    await expectError(admin.page, '用户 ID', '该用户不是医生账号，无法审核');
    // Disabling asks first.
    const asked: string[] = [];
    admin.page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.accept();
    });
    await admin.page.getByRole('button', { name: '停用账号' }).click();
    await expectText(
      admin.page.locator('#admin-result'),
      `已停用用户 ${id} 的账号，其所有登录已退出`,
      'result',
    );

    assert.deepEqual(asked, [`确定要停用 ID ${id} 的账号吗？其所有登录将退出。`]);

    await victim.page.reload();
    await expectText(victim.page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'logged out');
    await victim.page.goto(`${suite.server.origin}/login`);
    await victim.page.getByLabel('手机号').fill(phone);
    await victim.page.getByLabel('密码').fill(PASSWORD);
    await victim.page.getByRole('button', { name: '登录', exact: true }).click();
    await expectText(victim.page.getByRole('alert'), '这个账号已被停用，请联系管理员', 'refused');

    await admin.page.getByRole('button', { name: '启用账号' }).click();
    await expectText(admin.page.locator('#admin-result'), `已启用用户 ${id} 的账号`, 'result');
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
    await expectText(page.getByRole('heading', { level: 2 }), '仅限管理员', 'forbidden');
    assert.equal(await page.getByLabel('用户 ID').isVisible(), false);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
