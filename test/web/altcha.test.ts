import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { browserSuite, assertAccessible, masked, newPhone, smsCodeSentTo } from './support.js';
import { registerAccount } from '../helpers/app.js';

const PASSWORD = 'correct horse';

/**
 * The page gets no captcha text at all: the test-hook header is cut from every image
 * response, so the only way past the robots left is the ALTCHA check.
 */
async function withoutCaptchaHook(page: Page): Promise<void> {
  await page.route('**/api/1.0/imageCode*', async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['x-captcha-text'];
    await route.fulfill({ response, headers });
  });
}

/** Ticks the ALTCHA box, as a person does by its name, and waits until the work is done. */
async function passAltcha(page: Page, label: string, verified: string): Promise<void> {
  await page.getByRole('checkbox', { name: label }).click();
  const done = page.getByRole('checkbox', { name: verified });
  await done.waitFor({ timeout: 30_000 });
  assert.equal(await done.isChecked(), true);
}

/** Presses "get code" and returns the body the page sent. */
async function pressSendCode(page: Page, name: string): Promise<Record<string, unknown>> {
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.url().endsWith('/api/1.0/smsCode')),
    page.getByRole('button', { name }).click(),
  ]);
  return request.postDataJSON() as Record<string, unknown>;
}

describe('the ALTCHA check: a way in that needs no eyes (issue 12)', () => {
  const suite = browserSuite();

  it('registers using only the accessibility tree: tick the box, get the code, finish', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await withoutCaptchaHook(page);
    const phone = newPhone();
    await page.goto(`${suite.server.origin}/register`);
    await page.getByLabel('手机号').fill(phone);
    await passAltcha(page, '我不是机器人（无障碍验证）', '已验证，可以获取短信验证码');
    await assertAccessible(page, 'the register page, ALTCHA verified');

    const sent = await pressSendCode(page, '获取验证码');
    assert.equal(typeof sent.altcha, 'string', 'the solution went in place of the captcha');
    assert.equal(sent.uuid, undefined);
    assert.equal(sent.img_code_client, undefined);
    await page.getByText(`验证码已发送至 ${masked(phone)}`).waitFor();
    // One solution, one try: the box is clear again for a resend, which brings the step back.
    await page.getByRole('button', { name: '更换手机号' }).click();
    await page.getByRole('checkbox', { name: '我不是机器人（无障碍验证）' }).waitFor();
    assert.equal(await page.getByLabel('手机号').inputValue(), phone);

    await page.getByLabel('短信验证码').fill(await smsCodeSentTo(suite.server, phone));
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByLabel('确认密码').fill(PASSWORD);
    await page.getByRole('checkbox', { name: '我已阅读并同意《用户协议》和《隐私政策》' }).check();
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: '注册', exact: true }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: '你好', exact: true }).waitFor();
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('logs in with an SMS code in English, the ALTCHA check in place of the picture', async () => {
    const phone = newPhone();
    await registerAccount(suite.server.app, phone, PASSWORD); // set up through the API, not the page
    suite.server.clock.advance(61_000); // past the resend window of the sign-up code

    const tab = await suite.openTab(undefined, { locale: 'en-US' });
    const { page } = tab;
    await withoutCaptchaHook(page);
    await page.goto(`${suite.server.origin}/login`);
    await page.getByLabel('Mobile number').fill(phone);
    await page.getByRole('tab', { name: 'With SMS code' }).click();
    await passAltcha(page, "I'm not a robot (accessible check)", 'Verified: you can ask for the SMS code');
    const sent = await pressSendCode(page, 'Get code');
    assert.equal(sent.purpose, 'login');
    assert.equal(typeof sent.altcha, 'string');
    await page.getByText(`Code sent to ${masked(phone)}`).waitFor();
    await page.getByLabel('SMS code', { exact: true }).fill(await smsCodeSentTo(suite.server, phone));
    await Promise.all([
      page.waitForURL(`${suite.server.origin}/`),
      page.getByRole('button', { name: 'Log in', exact: true }).click(),
    ]);
    await page.getByRole('heading', { level: 1, name: 'Hello', exact: true }).waitFor();
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
