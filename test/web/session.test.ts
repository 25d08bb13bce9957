import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { maskPhone } from '../../src/shared/phone-format.js';
import { currentUser } from '../../web/src/api.js';
import {
  browserSuite,
  errorOf,
  expectError,
  expectText,
  focusedLabel,
  newPhone,
  registerThroughPage,
  startServer,
  withoutNetworkErrors,
} from './support.js';

const PASSWORD = 'correct horse';

describe('the home and login pages', () => {
  const suite = browserSuite();
  /** Registered once through the pages, logged out again. */
  let phone: string;
  before(async () => {
    phone = newPhone();
    const tab = await suite.openTab();
    await registerThroughPage(tab.page, suite.server, phone, PASSWORD);
    await tab.close();
  });

  it('a person who is not logged in is offered to log in or register', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(suite.server.origin);
    await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'heading');
    assert.equal(await page.getByRole('link', { name: '登录', exact: true }).getAttribute('href'), '/login');
    assert.equal(await page.getByRole('link', { name: '注册新账号' }).getAttribute('href'), '/register');
    assert.equal(await page.getByRole('button', { name: '退出登录' }).isVisible(), false);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('logging out shows the logged-out home page, and the session is gone for good', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await registerThroughPage(page, suite.server, newPhone(), PASSWORD, 'patient');
    await expectText(page.locator('#user-type'), '患者', 'account type');
    const cookie = (await page.context().cookies()).find((c) => c.name === 'session');
    assert.ok(cookie, 'registering logged the person in');

    await page.getByRole('button', { name: '退出登录' }).click();

    await expectText(page.locator('#status'), '你已退出登录', 'status');
    await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'heading');
    assert.equal(await focusedLabel(page), '欢迎使用 Medicine', 'the keyboard is on the new heading');
    const old = await currentUser({
      baseUrl: suite.server.apiBase,
      headers: { cookie: `session=${cookie.value}` },
    });
    assert.equal(old.kind === 'refused' && old.code, '4101', 'the old session cookie is worthless');
    await page.reload();
    await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'heading after reload');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('logs in with the keyboard alone: Tab to the fields, type, Enter', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/login`);
    await page.keyboard.press('Tab'); // the site name, a link home
    await page.keyboard.press('Tab'); // the language switch: 中文
    await page.keyboard.press('Tab'); // English
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '密码登录', 'the login tabs: one Tab stop, the chosen tab');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '手机号');
    await page.keyboard.type(phone);
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '密码');
    await page.keyboard.type(PASSWORD);
    await Promise.all([page.waitForURL(`${suite.server.origin}/`), page.keyboard.press('Enter')]);

    await expectText(page.locator('#status'), '登录成功', 'status');
    await expectText(page.getByRole('heading', { level: 1 }), '你好', 'greeting');
    await expectText(page.locator('#user-phone'), maskPhone(phone), 'phone, masked');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectText(page.locator('#status'), '你已退出登录', 'status');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a malformed phone number is said under the phone field before anything is sent', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('手机号').fill('1380013800');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expectError(page, '手机号', '请输入正确的 11 位手机号码');
    // One message at a time (issue 16): the password's turn comes once the phone is right.
    assert.equal(await errorOf(page, '密码'), '');
    assert.equal(await focusedLabel(page), '手机号');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a wrong password is said beside the button, keeps what was typed, and a lockout says how long', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const victim = newPhone();
    const registering = await suite.openTab();
    await registerThroughPage(registering.page, suite.server, victim, PASSWORD);
    await registering.close();

    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('手机号').fill(victim);
    await page.getByLabel('密码').fill('wrong password');
    const submit = page.getByRole('button', { name: '登录', exact: true });
    await submit.click();
    await expectText(page.getByRole('alert'), '手机号或密码不正确', 'form message');
    assert.equal(await page.getByLabel('手机号').inputValue(), victim);
    assert.equal(await page.getByLabel('密码').inputValue(), 'wrong password');
    assert.equal(page.url(), `${suite.server.origin}/login`);

    // Four more failures lock the phone for 10 minutes (contract §2); the fifth reply is still LOGINERR.
    for (let i = 0; i < 4; i++) {
      await submit.click();
      await expectText(submit, '登录', 'the button, ready again');
    }
    await page.getByLabel('密码').fill(PASSWORD);
    await submit.click();
    await expectText(
      page.getByRole('alert'),
      '登录失败次数太多，请 10 分钟后再试，或改用上方的“短信登录”',
      'lockout message',
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('when the API cannot be reached, home and logout say so and offer to try again', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.route('**/api/1.0/users', (route) => route.abort('connectionrefused'));
    await page.goto(suite.server.origin);
    await expectText(page.getByRole('heading', { level: 1 }), '暂时无法显示你的账号', 'heading');
    await expectText(page.locator('#failed-text'), '无法连接服务器，请检查网络后重试', 'message');
    await page.unroute('**/api/1.0/users');
    await page.getByRole('button', { name: '重试' }).click();
    await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'heading after retry');

    await registerThroughPage(page, suite.server, newPhone(), PASSWORD);
    await page.route('**/api/1.0/sessions', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectText(
      page.locator('#logout-error'),
      '退出失败：无法连接服务器，请检查网络后重试',
      'logout message',
    );
    assert.equal(await page.locator('#logout-error').getAttribute('aria-live'), 'polite');
    assert.equal(await page.getByRole('button', { name: '退出登录' }).isEnabled(), true);
    assert.deepEqual(withoutNetworkErrors(tab.problems), []);
    await tab.close();
  });

  it('when the server has stopped, logging in says the server cannot be reached', async () => {
    const doomed = await startServer();
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${doomed.origin}/login`);
    // Stopped now, not after the browser's keep-alive connection times out.
    const stopped = doomed.close();
    doomed.app.server.closeAllConnections();
    await stopped;
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('密码').fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expectText(page.getByRole('alert'), '无法连接服务器，请检查网络后重试', 'form message');
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);
    assert.deepEqual(withoutNetworkErrors(tab.problems), []);
    await tab.close();
  });
});
