import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { registerAccount } from '../helpers/app.js';
import { captchaShown } from './flows.js';
import {
  assertAccessible,
  browserSuite,
  captchaDrawnBy,
  DESKTOP_VIEWPORT,
  errorOf,
  expectError,
  expectText,
  focusedLabel,
  masked,
  newPhone,
  openRegisterPage,
  PHONE_VIEWPORT,
  requestSmsCode,
  screenshot,
  SCREENSHOT_DIR,
  type DrawnCaptcha,
  type Server,
} from './support.js';

/**
 * Issue 16, the sign-in pages as people meet them: the get-code step (Enter in the captcha,
 * the Tab order, the missing step named, the "sent" row and changing the number), large
 * text at phone widths, the login tabs, and screenshots of every state.
 */

const PASSWORD = 'correct horse';

/**
 * The browser's default font size, as a person sets it in the browser's settings (not a CSS
 * override): 16 px is 100%, 24 px 150%, 32 px 200%. Set before the page loads.
 */
async function setDefaultFontSize(page: Page, px: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: px } });
}

/** The sign-in pages with a captcha, each opened on its captcha (the login page on its SMS tab). */
const CAPTCHA_PAGES: readonly { name: string; open(page: Page, server: Server): Promise<DrawnCaptcha> }[] = [
  { name: 'register', open: (page, server) => openRegisterPage(page, server) },
  {
    name: 'login-sms',
    async open(page, server) {
      await page.goto(`${server.origin}/login`);
      return captchaDrawnBy(page, () => page.getByRole('tab', { name: '短信登录' }).click());
    },
  },
  { name: 'reset', open: (page, server) => captchaDrawnBy(page, () => page.goto(`${server.origin}/reset`)) },
];

/** A registered phone past its sign-up code's resend window, for the login and reset codes. */
async function registeredPhone(server: Server): Promise<string> {
  const phone = newPhone();
  await registerAccount(server.app, phone, PASSWORD);
  server.clock.advance(61_000);
  return phone;
}

/**
 * A screenshot of the whole page that keeps the browser's font size: Playwright's full-page
 * capture resizes the view in a way that puts Chromium's default font size back to 16 px, so
 * the view is made as tall as the page instead, and the size checked after the capture.
 */
async function screenshotWhole(page: Page, name: string, px: number): Promise<void> {
  if (px === 16) {
    await screenshot(page, name);
    return;
  }
  const size = page.viewportSize();
  assert.ok(size);
  const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
  await page.setViewportSize({ width: size.width, height });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`) });
  const root = await page.evaluate('getComputedStyle(document.documentElement).fontSize');
  assert.equal(root, `${px}px`, `${name}: taken at the browser's font size`);
  await page.setViewportSize(size);
}

interface Layout {
  scrollWidth: number;
  viewport: number;
  /** [the width inside the input's padding, the width six digits take in its font] */
  codeInput: [number, number];
  captchaInput: [number, number];
  /** Whether a button lies wholly inside the viewport and its text inside the button. */
  buttons: { name: string; inside: boolean; fits: boolean }[];
  captchaImage: [number, number];
  rootFontSize: number;
}

/** Measures what large text could break: sideways scrolling, the code and captcha inputs, the buttons. */
function layout(page: Page): Promise<Layout> {
  return page.evaluate(`(() => {
    const room = (input) => {
      const style = getComputedStyle(input);
      const probe = document.createElement('span');
      probe.textContent = '888888';
      probe.style.font = style.font;
      probe.style.letterSpacing = style.letterSpacing;
      probe.style.position = 'absolute';
      probe.style.visibility = 'hidden';
      probe.style.whiteSpace = 'pre';
      document.body.append(probe);
      const needed = probe.getBoundingClientRect().width;
      probe.remove();
      const inner = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      return [inner, needed];
    };
    const visible = (el) => el.offsetParent !== null;
    const buttons = [...document.querySelectorAll('main button')].filter(visible).map((button) => {
      const box = button.getBoundingClientRect();
      return {
        name: button.textContent.trim(),
        inside: box.left >= 0 && box.right <= document.documentElement.clientWidth + 0.5,
        fits: button.scrollWidth <= button.clientWidth + 1,
      };
    });
    const image = document.getElementById('captcha-image');
    return {
      scrollWidth: document.documentElement.scrollWidth,
      viewport: document.documentElement.clientWidth,
      codeInput: room(document.getElementById('phone_code')),
      captchaInput: room(document.getElementById('captcha')),
      buttons,
      captchaImage: [image.width, image.height], // the picture, inside its border
      rootFontSize: parseFloat(getComputedStyle(document.documentElement).fontSize),
    };
  })()`) as Promise<Layout>;
}

function assertLayout(found: Layout, where: string, { captcha = true }: { captcha?: boolean } = {}): void {
  assert.ok(
    found.scrollWidth <= found.viewport,
    `${where}: ${found.scrollWidth} px wide in ${found.viewport}`,
  );
  const [codeRoom, sixDigits] = found.codeInput;
  assert.ok(
    codeRoom >= sixDigits,
    `${where}: the SMS code field has ${codeRoom} px for ${sixDigits} px of digits`,
  );
  if (captcha) {
    const [captchaRoom, needed] = found.captchaInput;
    assert.ok(captchaRoom >= needed, `${where}: the captcha field has ${captchaRoom} px for ${needed}`);
  }
  for (const button of found.buttons) {
    assert.ok(button.inside, `${where}: "${button.name}" lies inside the screen`);
    assert.ok(button.fits, `${where}: the text of "${button.name}" fits its button`);
  }
}

describe('the sign-in steps: get the code, large text, login tabs (issue 16)', () => {
  // Many codes from one address: the per-address hourly SMS quota is not what these tests are about.
  const suite = browserSuite({ SMS_PER_IP_PER_HOUR: '1000' });

  it('Enter in the captcha asks for the SMS code, never submits; the "sent" row takes the step’s place', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const phone = newPhone();
    const captcha = await openRegisterPage(page, suite.server);
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(new URL(request.url()).pathname);
    });
    await page.getByLabel('手机号').fill(phone);
    await page.getByLabel('图片验证码', { exact: true }).fill(captcha.text);
    await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/1.0/smsCode')),
      page.getByLabel('图片验证码', { exact: true }).press('Enter'),
    ]);
    await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'the sent row');
    assert.deepEqual(posted, ['/api/1.0/smsCode'], 'only the code was asked for; the form was not sent');
    assert.equal(await focusedLabel(page), '短信验证码', 'the keyboard is on the SMS code');
    for (const label of ['手机号', '短信验证码', '密码', '确认密码'])
      assert.equal(await errorOf(page, label), '', `no message under ${label}`);
    assert.equal(await page.getByLabel('图片验证码', { exact: true }).isVisible(), false);
    assert.equal(await page.getByLabel('手机号').isVisible(), false, 'the number shows once, masked');
    assert.equal(await page.getByText(phone).count(), 0, 'the whole number is not on the screen');
    assert.ok(await page.getByRole('button', { name: '更换手机号' }).isVisible());
    await screenshot(page, 'sign-in-register-enter-sent-375');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('Tab goes phone → captcha → 获取验证码, then the other ways to pass, then the SMS code and the password', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await openRegisterPage(page, suite.server);
    await page.getByLabel('手机号').focus();
    const order = ['手机号'];
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Tab');
      order.push(await focusedLabel(page));
    }
    assert.deepEqual(order, [
      '手机号',
      '图片验证码',
      '获取验证码',
      '换一张', // a new picture from the keyboard; the picture itself is clicked or tapped
      '我不是机器人（无障碍验证）', // the ALTCHA check, beside the picture
      '短信验证码',
      '密码',
    ]);
    // The picture is no tab stop, but still a click away from a new one.
    assert.equal(await page.evaluate("document.getElementById('captcha-image').tabIndex"), -1);
    await captchaDrawnBy(page, () => page.locator('#captcha-image').click());
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a submit without a code names the missing step, once, with the keyboard on what to do next', async () => {
    for (const { name, open } of CAPTCHA_PAGES) {
      suite.server.clock.advance(61_000);
      const tab = await suite.openTab();
      const { page } = tab;
      const captcha = await open(page, suite.server);
      await page.getByLabel('手机号').fill(newPhone());
      const submit = page.locator('button[type="submit"]');
      await submit.click();
      await expectError(page, '图片验证码', '请先获取短信验证码：输入图片验证码后点“获取验证码”');
      assert.equal(await focusedLabel(page), '图片验证码', `${name}: the keyboard is on the captcha`);
      assert.equal(await page.locator('[aria-invalid="true"]').count(), 1, `${name}: one field red, not all`);
      assert.equal(await page.locator('.field-error:not(:empty), .form-error:not(:empty)').count(), 1);
      // Right under the input, above the hint; the ⚠ is drawn, not read.
      const [input, error, hint] = (await page.evaluate(
        `['captcha', 'captcha-error', 'captcha-hint'].map((id) => document.getElementById(id).getBoundingClientRect().toJSON())`,
      )) as { top: number; bottom: number }[];
      assert.ok(input && error && hint);
      assert.ok(
        error.top >= input.bottom && error.top - input.bottom < 40,
        `${name}: the error is under the input`,
      );
      assert.ok(hint.top >= error.bottom, `${name}: the hint comes after the error`);
      const snapshot = await page.locator('#captcha-error').ariaSnapshot();
      assert.doesNotMatch(snapshot, /⚠/, `${name}: the sign is not read: ${snapshot}`);
      assert.match(snapshot, /请先获取短信验证码/);
      if (name === 'register') await screenshot(page, 'sign-in-register-missing-step-375');

      // With the captcha typed, what is left is the button.
      await page.getByLabel('图片验证码', { exact: true }).fill(captcha.text);
      await submit.click();
      await expectError(page, '图片验证码', '请先获取短信验证码：点“获取验证码”');
      assert.equal(await focusedLabel(page), '获取验证码', `${name}: the keyboard is on the button`);
      assert.equal(await page.locator('[aria-invalid="true"]').count(), 0, 'the captcha typed is not wrong');
      assert.equal(
        await page.getByRole('button', { name: '获取验证码' }).getAttribute('aria-describedby'),
        'captcha-error',
        'the button is described by the message, so it is read on focus',
      );
      await assertAccessible(page, `${name} with the missing step named`);
      assert.deepEqual(tab.problems, [], name);
      await tab.close();
    }
  });

  it('更换手机号 brings the phone and the captcha back with a new picture; the code goes to the new number', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const first = await openRegisterPage(page, suite.server);
    const phone = newPhone();
    await requestSmsCode(page, phone, first.text);
    await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'the sent row');
    await expectText(page.locator('#resend-sms'), /^\d+ 秒后重新获取$/, 'the resend waits');
    assert.equal(await page.locator('#resend-sms').isDisabled(), true);
    await assertAccessible(page, 'register, code sent');

    const second = await captchaDrawnBy(page, () => page.getByRole('button', { name: '更换手机号' }).click());
    assert.equal(second.lastUuid, first.uuid, 'the spent captcha is dropped on the server');
    assert.equal(await focusedLabel(page), '手机号', 'the keyboard is on the phone');
    assert.ok(await page.getByLabel('图片验证码', { exact: true }).isVisible());
    assert.equal(await page.getByLabel('图片验证码', { exact: true }).inputValue(), '');
    assert.equal(await page.locator('#sms-status').textContent(), '', 'no "sent" line for the step');
    assert.equal(await page.getByRole('button', { name: '更换手机号' }).isVisible(), false);
    await captchaShown(page);

    const other = newPhone();
    await requestSmsCode(page, other, second.text);
    await expectText(
      page.locator('#sms-status'),
      `验证码已发送至 ${masked(other)}`,
      'sent to the new number',
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('login: 密码登录 / 短信登录 are tabs — arrow keys, Home and End choose, one Tab stop, Tab goes into the panel', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(`${suite.server.origin}/login`);
    const tablist = page.getByRole('tablist', { name: '登录方式' });
    const passwordTab = tablist.getByRole('tab', { name: '密码登录' });
    const smsTab = tablist.getByRole('tab', { name: '短信登录' });
    const panel = page.getByRole('tabpanel');
    assert.equal(await passwordTab.getAttribute('aria-selected'), 'true');
    assert.equal(await smsTab.getAttribute('aria-selected'), 'false');
    assert.equal(await passwordTab.getAttribute('aria-controls'), await panel.getAttribute('id'));
    // The tabs come first in the card, above the form.
    const [tabsBox, phoneBox] = await Promise.all([
      tablist.boundingBox(),
      page.getByLabel('手机号').boundingBox(),
    ]);
    assert.ok(tabsBox && phoneBox && tabsBox.y + tabsBox.height <= phoneBox.y);
    assert.equal(
      await page.getByRole('button', { name: '短信验证码登录' }).count(),
      0,
      'no link-button under the form',
    );

    await page.getByLabel('手机号').fill('13800000000');
    await page.getByLabel('手机号').press('Shift+Tab');
    assert.equal(await focusedLabel(page), '密码登录', 'one Tab stop: the chosen tab');
    await captchaDrawnBy(page, () => page.keyboard.press('ArrowRight'));
    assert.equal(await focusedLabel(page), '短信登录');
    assert.equal(await smsTab.getAttribute('aria-selected'), 'true');
    assert.equal(await passwordTab.getAttribute('aria-selected'), 'false');
    assert.equal(await smsTab.getAttribute('tabindex'), '0');
    assert.equal(await passwordTab.getAttribute('tabindex'), '-1');
    assert.equal(await page.getByLabel('密码', { exact: true }).isVisible(), false);
    assert.ok(await page.getByLabel('图片验证码', { exact: true }).isVisible());
    assert.equal(await page.getByLabel('手机号').inputValue(), '13800000000', 'the phone typed stays');
    await assertAccessible(page, 'login, SMS tab');

    await page.keyboard.press('ArrowRight'); // wraps round
    assert.equal(await focusedLabel(page), '密码登录');
    assert.ok(await page.getByLabel('密码', { exact: true }).isVisible());
    await page.keyboard.press('End');
    assert.equal(await smsTab.getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Home');
    assert.equal(await passwordTab.getAttribute('aria-selected'), 'true');
    await page.keyboard.press('ArrowLeft');
    assert.equal(await smsTab.getAttribute('aria-selected'), 'true');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '手机号', 'Tab leaves the tabs for the panel');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '图片验证码');
    await page.keyboard.press('Tab');
    assert.equal(await focusedLabel(page), '获取验证码');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('the ALTCHA check sits right by the image captcha on every page that asks for one, clearly labelled', async () => {
    for (const { name, open } of CAPTCHA_PAGES) {
      suite.server.clock.advance(61_000);
      const tab = await suite.openTab();
      const { page } = tab;
      await open(page, suite.server);
      const check = page.getByRole('checkbox', { name: '我不是机器人（无障碍验证）' });
      await check.waitFor();
      assert.equal(
        await page.locator('#code-step altcha-widget').count(),
        1,
        `${name}: in the captcha's step`,
      );
      const [captchaBox, checkBox, codeBox] = await Promise.all([
        page.getByLabel('图片验证码', { exact: true }).boundingBox(),
        check.boundingBox(),
        page.getByLabel('短信验证码').boundingBox(),
      ]);
      assert.ok(captchaBox && checkBox && codeBox);
      assert.ok(
        checkBox.y > captchaBox.y && checkBox.y < codeBox.y,
        `${name}: between the captcha and the code`,
      );
      assert.ok(checkBox.y - (captchaBox.y + captchaBox.height) < 250, `${name}: close under the captcha`);
      await expectText(page.locator('#altcha-lead'), /^看不清图片？改用无障碍验证/, 'the lead');
      assert.deepEqual(tab.problems, [], name);
      await tab.close();
    }
  });

  for (const [percent, px] of [
    [150, 24],
    [200, 32],
  ] as const) {
    for (const width of [375, 320]) {
      it(`${percent}% text at ${width} px: the code rows wrap, six digits show, nothing scrolls sideways`, async () => {
        for (const { name, open } of CAPTCHA_PAGES) {
          suite.server.clock.advance(61_000);
          const tab = await suite.openTab({ width, height: 812 });
          const { page } = tab;
          await setDefaultFontSize(page, px);
          const captcha = await open(page, suite.server);
          await captchaShown(page);
          const where = `${name} at ${width} px, ${percent}% text`;
          const before = await layout(page);
          assert.equal(before.rootFontSize, px, 'the browser setting is in effect');
          assertLayout(before, where);
          // The picture grows with the text: 7.5 × 2.75 of the root size.
          assert.deepEqual(before.captchaImage, [7.5 * px, 2.75 * px], `${where}: the picture's size`);
          const [send, field] = await Promise.all([
            page.locator('#send-sms').boundingBox(),
            page.locator('#captcha').boundingBox(),
          ]);
          assert.ok(send && field);
          if (percent === 200) assert.ok(send.y >= field.y + field.height, `${where}: the button goes below`);

          // And once the code is sent: the row with the number, its buttons, the code.
          const phone = name === 'register' ? newPhone() : await registeredPhone(suite.server);
          await requestSmsCode(page, phone, captcha.text);
          await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'sent');
          assertLayout(await layout(page), `${where}, code sent`, { captcha: false });
          if (width === 375 && percent === 200)
            await screenshotWhole(page, `sign-in-${name}-sent-375-text200`, px);
          assert.deepEqual(tab.problems, [], where);
          await tab.close();
        }
      });
    }
  }

  it('each captcha picture is drawn at 240×88, under 6 KB, shown at 120×44 at the default text size', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    const sizes: number[] = [];
    page.on('response', async (response) => {
      if (new URL(response.url()).pathname.endsWith('/api/1.0/imageCode'))
        sizes.push((await response.body()).length);
    });
    await openRegisterPage(page, suite.server);
    for (let i = 0; i < 5; i++)
      await captchaDrawnBy(page, () => page.getByRole('button', { name: '换一张' }).click());
    await captchaShown(page);
    const picture = await page.evaluate(
      "(() => { const img = document.getElementById('captcha-image'); return [img.naturalWidth, img.naturalHeight, img.width, img.height]; })()",
    );
    assert.deepEqual(picture, [240, 88, 120, 44]);
    assert.ok(sizes.length >= 6, `${sizes.length} pictures seen`);
    for (const size of sizes) assert.ok(size > 0 && size < 6144, `${size} bytes`);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('screenshots of register, login (both tabs) and reset: empty, code sent, error — 375, 1280, 375 at 200% text', async () => {
    const views = [
      { suffix: '375', viewport: PHONE_VIEWPORT, px: 16 },
      { suffix: '1280', viewport: DESKTOP_VIEWPORT, px: 16 },
      { suffix: '375-text200', viewport: PHONE_VIEWPORT, px: 32 },
    ];
    for (const { suffix, viewport, px } of views) {
      for (const { name, open } of CAPTCHA_PAGES) {
        for (const state of ['empty', 'sent', 'error'] as const) {
          suite.server.clock.advance(61_000);
          const tab = await suite.openTab(viewport);
          const { page } = tab;
          await setDefaultFontSize(page, px);
          const captcha = await open(page, suite.server);
          await captchaShown(page);
          if (state === 'sent') {
            const phone = name === 'register' ? newPhone() : await registeredPhone(suite.server);
            const reply = await requestSmsCode(page, phone, captcha.text);
            assert.equal(reply.re_code, '0', `${name} ${suffix}: ${JSON.stringify(reply)}`);
            await expectText(page.locator('#sms-status'), `验证码已发送至 ${masked(phone)}`, 'sent');
          } else if (state === 'error') {
            await page.getByLabel('手机号').fill(newPhone());
            await page.locator('button[type="submit"]').click();
            await expectError(page, '图片验证码', /^请先获取短信验证码/);
          }
          await screenshotWhole(page, `sign-in-${name}-${state}-${suffix}`, px);
          assert.deepEqual(tab.problems, [], `${name} ${state} ${suffix}`);
          await tab.close();
        }
      }
      // The login page's password tab, empty and with an error.
      const tab = await suite.openTab(viewport);
      const { page } = tab;
      await setDefaultFontSize(page, px);
      await page.goto(`${suite.server.origin}/login`);
      await page.getByLabel('手机号').waitFor();
      await screenshotWhole(page, `sign-in-login-password-empty-${suffix}`, px);
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await expectError(page, '手机号', '请输入手机号');
      await screenshotWhole(page, `sign-in-login-password-error-${suffix}`, px);
      assert.deepEqual(tab.problems, []);
      await tab.close();
    }
  });
});
