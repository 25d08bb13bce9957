import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { currentAccount } from '../../web/src/api.js';
import { expectText, smsCodeSentTo, type DrawnCaptcha, type Server } from './support.js';

/** The session cookie of the tab's browser context, as a header for the API client. */
export async function sessionCookie(page: Page): Promise<Record<string, string>> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'session');
  assert.ok(cookie, 'the browser is logged in');
  return { cookie: `session=${cookie.value}` };
}

/** The user id of the person logged in in `page`'s browser. */
export async function userIdOf(page: Page, server: Server): Promise<number> {
  const result = await currentAccount({ baseUrl: server.apiBase, headers: await sessionCookie(page) });
  assert.equal(result.kind, 'ok');
  return (result as { value: { user: { user_id: number } } }).value.user.user_id;
}

/** Waits until the captcha picture has arrived and been decoded. */
export async function captchaShown(page: Page): Promise<void> {
  await page.waitForFunction(
    "(() => { const img = document.getElementById('captcha-image'); return img.complete && img.naturalWidth > 0; })()",
  );
}

/** Fills phone and captcha and presses the get-code button; returns the SMS code sent. */
export async function getCode(
  page: Page,
  server: Server,
  phone: string,
  captcha: DrawnCaptcha,
  words: { phone: string; captcha: string; sendCode: string; codeSent: (phone: string) => string },
): Promise<string> {
  // Past the phone's 60-second resend window, which registering it started.
  server.clock.advance(61_000);
  await page.getByLabel(words.phone, { exact: true }).fill(phone);
  await page.getByLabel(words.captcha, { exact: true }).fill(captcha.text);
  await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/api/1.0/smsCode')),
    page.getByRole('button', { name: words.sendCode }).click(),
  ]);
  await expectText(page.locator('#sms-status'), words.codeSent(phone), 'SMS status');
  return smsCodeSentTo(server, phone);
}
