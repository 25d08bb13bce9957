import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { captchaShown, getCode } from './flows.js';
import {
  browserSuite,
  captchaDrawnBy,
  expectError,
  expectText,
  focusedLabel,
  logInThroughPage,
  newPhone,
  registerThroughPage,
  WORDS,
} from './support.js';

const PASSWORD = 'correct horse';
const NEW_PASSWORD = 'battery staple';

describe('logging in with an SMS code, and a forgotten password', () => {
  const suite = browserSuite();
  let phone: string;
  before(async () => {
    phone = newPhone();
    const tab = await suite.openTab();
    await registerThroughPage(tab.page, suite.server, phone, PASSWORD);
    await tab.close();
  });

  it('switches to the SMS tab with the keyboard, keeps the phone typed, gets a code and logs in', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('手机号').fill(phone);
    const captcha = await captchaDrawnBy(page, async () => {
      await page.getByRole('tab', { name: '密码登录' }).focus();
      await page.keyboard.press('ArrowRight');
    });
    assert.equal(await page.getByRole('tab', { name: '短信登录' }).getAttribute('aria-selected'), 'true');
    assert.equal(await page.getByLabel('手机号').inputValue(), phone, 'the phone stays');
    assert.equal(await page.getByLabel('密码', { exact: true }).isVisible(), false);
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '手机号', 'Tab goes from the tab into its panel');
    const code = await getCode(page, suite.server, phone, captcha, WORDS['zh-CN']);
    await expectText(page.locator('#resend-sms'), /^\d+ 秒后重新获取$/, 'the 60 s countdown');
    await page.getByLabel('短信验证码').fill(code);
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: '登录', exact: true }).click(),
    ]);
    await expectText(page.locator('#status'), '登录成功', 'status');
    await expectText(page.getByRole('heading', { level: 1 }), '你好', 'greeting');
    await page.getByRole('button', { name: '退出登录' }).click();
    await expectText(page.locator('#status'), '你已退出登录', 'status');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('an unregistered phone is told under the phone field, with a link to register', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/login`);
    const captcha = await captchaDrawnBy(page, () => page.getByRole('tab', { name: '短信登录' }).click());
    await page.getByLabel('手机号').fill(newPhone());
    await page.getByLabel('图片验证码', { exact: true }).fill(captcha.text);
    await captchaDrawnBy(page, () => page.getByRole('button', { name: '获取验证码' }).click());
    await expectError(page, '手机号', /^这个手机号还没有注册，或账号已停用。去注册$/);
    assert.equal(await page.getByRole('link', { name: '去注册' }).getAttribute('href'), '/register');
    // A wrong code is said under the code field.
    await page.getByLabel('短信验证码').fill('000000');
    await page.getByLabel('手机号').fill(phone);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await expectError(page, '短信验证码', '短信验证码已失效，请重新获取');
    assert.equal(await page.getByLabel('短信验证码').inputValue(), '000000', 'what was typed stays');
    await captchaShown(page);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('forgot password, in English: reset by SMS code, told so on the login page, then in with the new one', async () => {
    const tab = await suite.openTab(undefined, { locale: 'en-US' });
    const { page } = tab;
    const other = await suite.openTab();
    await logInThroughPage(other.page, suite.server, phone, PASSWORD);

    await page.goto(`${suite.server.origin}/login`);
    const captcha = await captchaDrawnBy(page, () =>
      Promise.all([
        page.waitForURL(`${suite.server.origin}/reset`),
        page.getByRole('link', { name: 'Forgot password?' }).click(),
      ]),
    );
    await expectText(page.getByRole('heading', { level: 1 }), 'Reset your password', 'heading');
    const code = await getCode(page, suite.server, phone, captcha, WORDS.en);
    await page.getByLabel('SMS code').fill(code);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm new password').fill('something else');
    await page.getByRole('button', { name: 'Reset password' }).click();
    await expectError(page, 'Confirm new password', 'The two passwords are not the same');
    await page.getByLabel('Confirm new password').fill(NEW_PASSWORD);
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/login`),
      page.getByRole('button', { name: 'Reset password' }).click(),
    ]);
    await expectText(page.locator('#status'), 'Your password was reset. Log in with the new one', 'status');

    await page.getByLabel('Mobile number').fill(phone);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in', exact: true }).click();
    await expectText(page.getByRole('alert'), 'Wrong mobile number or password', 'the old password is gone');
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: 'Log in', exact: true }).click(),
    ]);
    await expectText(page.getByRole('heading', { level: 1 }), 'Hello', 'greeting');

    // The reset ended the session of the other suite.browser.
    await other.page.reload();
    await expectText(
      other.page.getByRole('heading', { level: 1 }),
      '欢迎使用 Medicine',
      'the other browser is out',
    );
    assert.deepEqual(tab.problems, []);
    await other.close();
    await tab.close();
  });
});
