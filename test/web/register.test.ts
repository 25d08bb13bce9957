import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { maskPhone } from '../../src/shared/phone-format.js';
import {
  browserSuite,
  captchaDrawnBy,
  errorOf,
  expectError,
  expectText,
  focusedLabel,
  newPhone,
  openRegisterPage,
  registerThroughPage,
  masked,
  requestSmsCode,
  requestSmsCodeRefused,
  smsCodeSentTo,
  withoutNetworkErrors,
  wrongAnswer,
} from './support.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PASSWORD = 'correct horse';

describe('the register page', () => {
  const suite = browserSuite();

  it('registers a doctor as a person does and lands on the home page, logged in', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();

    const first = await openRegisterPage(page, suite.server);
    assert.match(first.uuid, UUID_V4, 'the captcha is named by a random UUID');
    assert.equal(first.lastUuid, null, 'the first captcha has no predecessor');

    await page.getByRole('radio', { name: '医生' }).check();
    // Typed in lower case: the captcha is not case-sensitive.
    await requestSmsCode(page, phone, first.text.toLowerCase());
    await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'SMS status');
    // The step is done: the "sent" row stands in place of the phone and the captcha.
    assert.equal(await page.getByLabel('图片验证码', { exact: true }).isVisible(), false);
    assert.equal(await page.getByLabel('手机号').isVisible(), false);
    assert.equal(await focusedLabel(page), '短信验证码', 'the keyboard is on the SMS code field');

    await page.getByLabel('短信验证码').fill(await smsCodeSentTo(suite.server, phone));
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('checkbox', { name: '我已阅读并同意《用户协议》和《隐私政策》' }).check();
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: '注册', exact: true }).click(),
    ]);

    await expectText(page.locator('#status'), '注册成功，欢迎你！', 'welcome message');
    await expectText(
      page.getByRole('heading', { level: 1 }),
      '你好',
      'greeting: a new account has no name but its phone',
    );
    await expectText(page.locator('#user-phone'), maskPhone(phone), 'phone on the home page, masked');
    await expectText(page.locator('#user-type'), '医生', 'account type on the home page');
    assert.ok(await page.getByRole('button', { name: '退出登录' }).isVisible());
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('an empty form is not sent: one message at a time, under the first field to fix, with the keyboard there', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await openRegisterPage(page, suite.server);
    let registerCalls = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/1.0/register')) registerCalls += 1;
    });

    await page.getByRole('button', { name: '注册', exact: true }).click();

    await expectError(page, '手机号', '请输入手机号');
    for (const label of ['图片验证码', '短信验证码', '密码', '确认密码'])
      assert.equal(await errorOf(page, label), '', `nothing yet under ${label}`);
    assert.equal(await page.getByLabel('手机号').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.locator('[aria-invalid="true"]').count(), 1, 'one field red, not all');
    assert.equal(await focusedLabel(page), '手机号');
    assert.equal(registerCalls, 0);

    // Typing in a field clears its message.
    await page.getByLabel('手机号').fill('12345');
    assert.equal(await errorOf(page, '手机号'), '');
    assert.equal(await page.getByLabel('手机号').getAttribute('aria-invalid'), null);
    await page.getByLabel('密码', { exact: true }).fill('short');
    await page.getByLabel('确认密码').fill('shorter');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expectError(page, '手机号', '请输入正确的 11 位手机号码');
    assert.equal(await errorOf(page, '密码'), '');
    assert.equal(
      await page.getByLabel('密码', { exact: true }).inputValue(),
      'short',
      'what was typed stays',
    );
    // A right phone: the next thing is the skipped step, named as such.
    await page.getByLabel('手机号').fill(newPhone());
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expectError(page, '图片验证码', '请先获取短信验证码：输入图片验证码后点“获取验证码”');
    assert.equal(await focusedLabel(page), '图片验证码');
    assert.equal(await errorOf(page, '短信验证码'), '');
    assert.equal(await errorOf(page, '密码'), '');
    assert.equal(registerCalls, 0);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a wrong captcha is said under the captcha field, a new one is drawn, and the phone stays', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    const first = await openRegisterPage(page, suite.server);

    const second = await requestSmsCodeRefused(page, phone, wrongAnswer(first.text));

    assert.equal(second.lastUuid, first.uuid);
    await expectError(page, '图片验证码', '图片验证码不正确，已换一张新的，请重新输入');
    const captchaField = page.getByLabel('图片验证码', { exact: true });
    assert.equal(await captchaField.getAttribute('aria-invalid'), 'true');
    assert.equal(await captchaField.inputValue(), '', 'the old answer is cleared for the new picture');
    assert.equal(await focusedLabel(page), '图片验证码');
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);
    assert.equal(await page.locator('#sms-status').textContent(), '');

    // The new picture's text works.
    await captchaField.fill(second.text);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'SMS status');
    assert.equal(await page.locator('#captcha-error').textContent(), '');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('an expired captcha (more than 5 minutes on the page) is replaced and said so', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const first = await openRegisterPage(page, suite.server);
    suite.server.clock.advance(301_000);

    const second = await requestSmsCodeRefused(page, newPhone(), first.text);

    assert.equal(second.lastUuid, first.uuid);
    await expectError(page, '图片验证码', '图片验证码已过期，已换一张新的，请重新输入');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('clicking the captcha picture, or "换一张" from the keyboard, draws a new one and drops the old', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const first = await openRegisterPage(page, suite.server);
    const picture = page.getByRole('img', { name: '图片验证码，点击换一张' });

    const second = await captchaDrawnBy(page, () => picture.click());
    assert.equal(second.lastUuid, first.uuid);
    assert.notEqual(second.uuid, first.uuid);

    await page.getByRole('button', { name: '换一张' }).focus();
    const third = await captchaDrawnBy(page, () => page.keyboard.press('Enter'));
    assert.equal(third.lastUuid, second.uuid);
    assert.equal(await focusedLabel(page), '图片验证码', 'the keyboard goes to the field for the new one');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a captcha picture that does not arrive is said under the captcha field; clicking it again fetches one', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await openRegisterPage(page, suite.server);
    const picture = page.getByRole('img', { name: '图片验证码，点击换一张' });
    await page.route('**/api/1.0/imageCode*', (route) => route.abort('connectionrefused'));
    await picture.click();
    await expectError(page, '图片验证码', '验证码图片没有加载出来，请点击图片重试');

    await page.unroute('**/api/1.0/imageCode*');
    await captchaDrawnBy(page, () => picture.click());
    await expectError(page, '图片验证码', '');
    assert.deepEqual(withoutNetworkErrors(tab.problems), []);
    await tab.close();
  });

  it('without crypto.randomUUID (a page on plain HTTP) the captcha id is still a random UUID', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.addInitScript({
      content: "Object.defineProperty(Crypto.prototype, 'randomUUID', { value: undefined });",
    });
    const first = await openRegisterPage(page, suite.server);
    assert.match(first.uuid, UUID_V4);
    await requestSmsCode(page, newPhone(), first.text);
    await expectText(page.locator('#sms-status'), /^验证码已发送至/, 'SMS status');
    const second = await captchaDrawnBy(page, () => page.getByRole('button', { name: '更换手机号' }).click());
    assert.match(second.uuid, UUID_V4);
    assert.notEqual(second.uuid, first.uuid);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a wrong SMS code is said under its field; the passwords stay, and the right code then registers', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    const captcha = await openRegisterPage(page, suite.server);
    await requestSmsCode(page, phone, captcha.text);
    await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'SMS status');
    const code = await smsCodeSentTo(suite.server, phone);
    const wrong = code === '000000' ? '111111' : '000000';

    await page.getByLabel('短信验证码').fill(wrong);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('checkbox', { name: '我已阅读并同意《用户协议》和《隐私政策》' }).check();
    await page.getByRole('button', { name: '注册', exact: true }).click();

    await expectError(page, '短信验证码', '短信验证码不正确，请检查后重新输入');
    assert.equal(await focusedLabel(page), '短信验证码');
    assert.equal(page.url(), `${suite.server.origin}/register`);
    assert.equal(await page.getByLabel('密码', { exact: true }).inputValue(), PASSWORD);
    assert.equal(await page.getByLabel('确认密码').inputValue(), PASSWORD);
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);
    assert.equal(await page.getByRole('button', { name: '注册', exact: true }).isEnabled(), true);

    await page.getByLabel('短信验证码').fill(code);
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: '注册', exact: true }).click(),
    ]);
    await expectText(
      page.getByRole('heading', { level: 1 }),
      '你好',
      'greeting: a new account has no name but its phone',
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('"获取验证码" counts down 60 seconds, then honours the Retry-After of a too-early resend', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.clock.install();
    const phone = newPhone();
    const captcha = await openRegisterPage(page, suite.server);
    await page.clock.pauseAt(Date.now() + 1000);
    // After sending, the wait shows on the "sent" row's resend button.
    const sendButton = page.locator('#resend-sms');

    await requestSmsCode(page, phone, captcha.text);
    await expectText(sendButton, '60 秒后重新获取', 'the button right after sending');
    assert.equal(await sendButton.isDisabled(), true);
    await page.clock.runFor(1000);
    await expectText(sendButton, '59 秒后重新获取', 'the button a second later');
    await page.clock.runFor(58_000);
    await expectText(sendButton, '1 秒后重新获取', 'the button a second before the end');
    assert.equal(await sendButton.isDisabled(), true);
    await page.clock.runFor(1000);
    await expectText(sendButton, '重新获取验证码', 'the button after 60 seconds');
    assert.equal(await sendButton.isEnabled(), true);

    // A resend brings the captcha back, with a new picture, the phone kept.
    const next = await captchaDrawnBy(page, () => sendButton.click());
    assert.equal(await focusedLabel(page), '图片验证码');
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);
    // The page's clock ran ahead; the server's did not: it refuses and says how long to wait.
    await requestSmsCodeRefused(page, phone, next.text);
    const getCode = page.locator('#send-sms');
    const label = await expectText(getCode, /^\d+ 秒后重新获取$/, 'the button after a refused resend');
    const seconds = Number(label.split(' ')[0]);
    assert.ok(seconds > 0 && seconds <= 60, `waits what Retry-After said (${seconds} s)`);
    assert.equal(await getCode.isDisabled(), true);
    await expectError(page, '短信验证码', `获取验证码太频繁，请 ${seconds} 秒后再试`);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('correcting the phone number ends the countdown at once', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    const captcha = await openRegisterPage(page, suite.server);
    await requestSmsCode(page, phone, captcha.text);
    await expectText(page.locator('#resend-sms'), /^\d+ 秒后重新获取$/, 'countdown');
    await captchaDrawnBy(page, () => page.getByRole('button', { name: '更换手机号' }).click());
    const sendButton = page.locator('#send-sms');
    await expectText(sendButton, /^\d+ 秒后重新获取$/, 'the same phone still waits');

    await page.getByLabel('手机号').fill(newPhone());
    await expectText(sendButton, '重新获取验证码', 'the button for another phone');
    assert.equal(await sendButton.isEnabled(), true);
    assert.equal(await page.locator('#sms-status').textContent(), '', 'no "sent to" for the old number');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a phone that is already registered is said under the phone field, with a way to log in', async () => {
    const phone = newPhone();
    const first = await suite.openTab();
    await registerThroughPage(first.page, suite.server, phone, PASSWORD);
    await first.close();

    const tab = await suite.openTab();
    const { page } = tab;
    const captcha = await openRegisterPage(page, suite.server);
    await requestSmsCode(page, phone, captcha.text);
    await expectError(page, '手机号', '这个手机号已经注册过了。去登录');
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/login`),
      page.getByRole('link', { name: '去登录' }).click(),
    ]);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('when the API cannot be reached, the page says so where the person acted, and keeps the form', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    const captcha = await openRegisterPage(page, suite.server);
    await page.route('**/api/1.0/smsCode', (route) => route.abort('connectionrefused'));
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('图片验证码', { exact: true }).fill(captcha.text);
    await page.getByRole('button', { name: '获取验证码' }).click();

    await expectError(page, '短信验证码', '无法连接服务器，请检查网络后重试');
    const sendButton = page.getByRole('button', { name: '获取验证码' });
    assert.equal(await sendButton.isEnabled(), true, 'the person can try again');
    assert.equal(await page.getByLabel('图片验证码', { exact: true }).inputValue(), captcha.text);

    await page.route('**/api/1.0/register', (route) => route.abort('connectionrefused'));
    await page.getByLabel('短信验证码').fill('123456');
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('checkbox', { name: '我已阅读并同意《用户协议》和《隐私政策》' }).check();
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expectText(page.getByRole('alert'), '无法连接服务器，请检查网络后重试', 'form message');
    assert.equal(await page.getByRole('button', { name: '注册', exact: true }).isEnabled(), true);
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);
    assert.equal(await page.getByLabel('密码', { exact: true }).inputValue(), PASSWORD);
    assert.deepEqual(withoutNetworkErrors(tab.problems), []);
    await tab.close();
  });
});
