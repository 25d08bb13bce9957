import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { maskPhone } from '../../src/shared/phone-format.js';
import { currentAccount } from '../../web/src/api.js';
import { sessionCookie, userIdOf } from './flows.js';
import {
  assertAccessible,
  browserSuite,
  DESKTOP_VIEWPORT,
  expectText,
  logInThroughPage,
  newPhone,
  PHONE_VIEWPORT,
  registerThroughPage,
  screenshot,
  SCREENSHOT_DIR,
  type Server,
  type Tab,
} from './support.js';

const PASSWORD = 'correct horse';

/** The three ways of looking issue 16 asks for: a phone, a desk, and a phone with 200% text. */
const LOOKS = [
  { name: '375', viewport: PHONE_VIEWPORT, largeText: false },
  { name: '1280', viewport: DESKTOP_VIEWPORT, largeText: false },
  { name: '375-text200', viewport: PHONE_VIEWPORT, largeText: true },
] as const;

/** The browser's default font size at 32 px instead of 16: what "200% text" in the settings does. */
async function useLargeText(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32 } });
}

/** A computed style of the element `locator` finds. */
const styleOf = (locator: Locator, property: 'color' | 'backgroundColor'): Promise<string> =>
  locator.evaluate(
    (el, name) =>
      (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(
        el,
      )[name] ?? '',
    property,
  );

type Look = (typeof LOOKS)[number];

/**
 * A screenshot under test-output/screenshots/: the whole page, or the window. Playwright's
 * whole-page screenshot (and any change of the window) resets the browser's font sizes, so
 * with large text the window is made as tall as the page, the text made large again, and
 * the window captured; then the window is put back.
 */
async function shoot(page: Page, look: Look, name: string, fullPage = true): Promise<void> {
  const file = path.join(SCREENSHOT_DIR, `${name}-${look.name}.png`);
  if (!look.largeText) {
    if (fullPage) await screenshot(page, `${name}-${look.name}`);
    else await page.screenshot({ path: file });
    return;
  }
  if (fullPage) {
    const height = Number(await page.evaluate('document.documentElement.scrollHeight'));
    await page.setViewportSize({ width: look.viewport.width, height });
    await useLargeText(page);
  }
  await page.screenshot({ path: file });
  if (fullPage) await page.setViewportSize(look.viewport);
  await useLargeText(page);
}

/** The visible text of the page's main part. */
const mainText = (page: Page): Promise<string> => page.locator('main').innerText();

/** The visible controls in <main> smaller than 44×44 CSS px; a tick box counts with its label. */
function smallControls(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const small = [];
    for (const el of document.querySelectorAll('main a, main button, main input, main select, dialog[open] button')) {
      if (el.closest('[hidden]') || el.offsetParent === null && el.localName !== 'dialog') continue;
      const target = el.matches('input[type=checkbox]') ? el.labels[0] : el;
      const box = target.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.width < 44 || box.height < 44)
        small.push((el.id || el.textContent.trim() || el.localName) + ' ' + Math.round(box.width) + '×' + Math.round(box.height));
    }
    return small;
  })()`);
}

async function registered(
  suite: { openTab: (viewport?: { width: number; height: number }) => Promise<Tab>; server: Server },
  type: 'patient' | 'expert',
  viewport: { width: number; height: number } = PHONE_VIEWPORT,
): Promise<{ tab: Tab; phone: string }> {
  // Past the per-address captcha quota that this file's many registrations use up.
  suite.server.clock.advance(61_000);
  const tab = await suite.openTab(viewport);
  const phone = newPhone();
  await registerThroughPage(tab.page, suite.server, phone, PASSWORD, type);
  return { tab, phone };
}

/** Opens the account page and waits for its sections. */
async function openAccount(page: Page, server: Server, hash = ''): Promise<void> {
  await page.goto(`${server.origin}/account${hash}`);
  await page.locator('#profile-title').waitFor();
  await expectText(page.locator('#audit li').first(), /./, 'the audit list');
}

/** Whether the top of `selector` is inside the window. */
function inView(page: Page, selector: string): Promise<boolean> {
  return page.evaluate(
    `(() => { const top = document.querySelector(${JSON.stringify(selector)}).getBoundingClientRect().top; return top >= 0 && top < window.innerHeight; })()`,
  );
}

describe('home after login (issue 16, point 4)', () => {
  const suite = browserSuite();

  it('a patient: greeted without a name while the name is the phone, the role, the phone once and masked, three places to go, logout apart', async () => {
    const { tab, phone } = await registered(suite, 'patient');
    const { page } = tab;
    await expectText(page.getByRole('heading', { level: 1 }), '你好', 'no name: the phone is no name');
    await expectText(page.locator('#user-type'), '患者', 'role');
    const text = await mainText(page);
    assert.equal(text.split(maskPhone(phone)).length - 1, 1, 'the masked phone, exactly once');
    assert.ok(!text.includes(phone), 'the whole number nowhere');
    assert.equal(await page.locator('#user-vetting').isVisible(), false, 'no vetting for a patient');

    const places = page.getByRole('navigation', { name: '常用入口' });
    assert.equal(
      await places.getByRole('link', { name: /^个人资料/ }).getAttribute('href'),
      '/account#profile',
    );
    assert.equal(
      await places.getByRole('link', { name: /^账号安全/ }).getAttribute('href'),
      '/account#security',
    );
    assert.equal(await places.getByRole('link', { name: /^医生列表/ }).getAttribute('href'), '/experts');
    assert.equal(await places.getByRole('link', { name: '管理后台' }).isVisible(), false, 'no admin link');

    // Logging out is no place to go: outside the navigation, after it, and drawn in red, not as the links.
    const logout = page.getByRole('button', { name: '退出登录' });
    assert.equal(await places.getByRole('button').count(), 0);
    const [navBottom, logoutTop] = await Promise.all([
      places.evaluate((el) => el.getBoundingClientRect().bottom),
      logout.evaluate((el) => el.getBoundingClientRect().top),
    ]);
    assert.ok(logoutTop - navBottom >= 24, `logout set apart below the links (${logoutTop - navBottom} px)`);
    assert.equal(await styleOf(logout, 'color'), 'rgb(179, 38, 30)', 'red text');
    assert.deepEqual(await smallControls(page), [], 'every control 44×44 or more');

    // The person sets a name: home greets them by it, and the phone still shows once.
    await places.getByRole('link', { name: /^个人资料/ }).click();
    await page.getByLabel('姓名').fill('王芳');
    await page.getByRole('button', { name: '保存资料' }).click();
    await expectText(page.locator('#profile-saved'), '资料已保存', 'saved');
    await page.goto(suite.server.origin);
    await expectText(page.getByRole('heading', { level: 1 }), '你好，王芳', 'the chosen name');
    assert.equal((await mainText(page)).split(maskPhone(phone)).length - 1, 1);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('a doctor sees where their vetting stands: 待审核, then 已通过 or 未通过, each with what it means', async () => {
    const { tab } = await registered(suite, 'expert');
    const { page } = tab;
    await expectText(page.locator('#user-type'), '医生', 'role');
    await expectText(page.locator('#user-vetting'), '待审核', 'pending');
    await expectText(page.locator('#vetting-note'), /审核中/, 'what pending means');
    await expectText(
      page.getByRole('link', { name: /^个人资料/ }).locator('.home-nav-text'),
      '姓名、专业科室、职称',
      "the profile link names a doctor's fields",
    );
    const id = await userIdOf(page, suite.server);
    await suite.server.app.services.admin.moderate(null, id, 'approve');
    await page.reload();
    await expectText(page.locator('#user-vetting'), '已通过', 'approved');
    await expectText(page.locator('#vetting-note'), /医生列表中找到你/, 'what approval means');
    await suite.server.app.services.admin.moderate(null, id, 'reject');
    await page.reload();
    await expectText(page.locator('#user-vetting'), '未通过', 'rejected');
    await expectText(page.locator('#vetting-note'), /未通过/, 'what rejection means');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('logged out, home offers login and register, each large enough to tap', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await page.goto(suite.server.origin);
    await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'guest home');
    assert.equal(await page.getByRole('link', { name: '登录', exact: true }).getAttribute('href'), '/login');
    assert.equal(await page.getByRole('link', { name: '注册新账号' }).getAttribute('href'), '/register');
    assert.deepEqual(await smallControls(page), []);
    await tab.close();
  });

  for (const look of LOOKS) {
    it(`screenshots at ${look.name}: home for a patient, a doctor awaiting vetting, and a guest`, async () => {
      const patient = await registered(suite, 'patient', look.viewport);
      if (look.largeText) await useLargeText(patient.tab.page);
      await patient.tab.page.reload();
      await expectText(patient.tab.page.locator('#user-type'), '患者', 'patient home');
      assert.deepEqual(await smallControls(patient.tab.page), []);
      await assertNothingSideways(patient.tab.page, look.viewport.width);
      await shoot(patient.tab.page, look, 'home-patient');
      await patient.tab.close();

      const doctor = await registered(suite, 'expert', look.viewport);
      if (look.largeText) await useLargeText(doctor.tab.page);
      await doctor.tab.page.reload();
      await expectText(doctor.tab.page.locator('#user-vetting'), '待审核', 'doctor home');
      await assertNothingSideways(doctor.tab.page, look.viewport.width);
      assert.deepEqual(await smallControls(doctor.tab.page), []);
      await assertAccessible(doctor.tab.page, `home for a doctor at ${look.name}`);
      await shoot(doctor.tab.page, look, 'home-doctor-pending');
      await doctor.tab.close();

      const guest = await suite.openTab(look.viewport);
      if (look.largeText) await useLargeText(guest.page);
      await guest.page.goto(suite.server.origin);
      await expectText(guest.page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'guest home');
      await assertNothingSideways(guest.page, look.viewport.width);
      assert.deepEqual(await smallControls(guest.page), []);
      await shoot(guest.page, look, 'home-guest');
      await guest.close();
    });
  }
});

async function assertNothingSideways(page: Page, width: number): Promise<void> {
  const scrollWidth = Number(await page.evaluate('document.documentElement.scrollWidth'));
  assert.ok(scrollWidth <= width, `the page is ${scrollWidth} px wide in a ${width} px window`);
}

describe('the account page in sections (issue 16, point 5)', () => {
  const suite = browserSuite();

  it('three sections with a navigation of their own; its links and the home page’s go to them', async () => {
    const { tab } = await registered(suite, 'patient');
    const { page } = tab;
    await openAccount(page, suite.server);
    const nav = page.getByRole('navigation', { name: '账号设置' });
    const links = nav.getByRole('link');
    assert.deepEqual(await links.evaluateAll((all) => all.map((a) => a.getAttribute('href'))), [
      '#profile',
      '#security',
      '#privacy',
    ]);
    for (const [id, heading] of [
      ['profile', '个人资料'],
      ['security', '账号安全'],
      ['privacy', '隐私与数据'],
    ] as const) {
      const section = page.locator(`section#${id}`);
      assert.equal(await section.getAttribute('aria-labelledby'), `${id}-title`);
      await expectText(page.locator(`#${id}-title`), heading, `${id}'s heading`);
    }
    // What lives where.
    for (const [section, inside] of [
      ['profile', ['#profile-form']],
      ['security', ['#password-form', '#sessions', '#audit']],
      ['privacy', ['#consent-state', '#links', '#export-data', '#delete-form']],
    ] as const) {
      for (const selector of inside) {
        assert.equal(
          await page.locator(`section#${section} ${selector}`).count(),
          1,
          `${selector} in #${section}`,
        );
      }
    }
    await expectText(
      page.locator('#consent-state'),
      '你已同意当前版本的《用户协议》和《隐私政策》。',
      'consents',
    );

    await nav.getByRole('link', { name: '隐私与数据' }).click();
    await page.waitForURL(/#privacy$/);
    await page.waitForFunction(
      `document.querySelector('#privacy-title').getBoundingClientRect().top < innerHeight / 3`,
    );
    await expectText(
      nav.locator('[aria-current="true"]'),
      '隐私与数据',
      'the link of the section being read',
    );
    await nav.getByRole('link', { name: '账号安全' }).click();
    await page.waitForURL(/#security$/);
    assert.ok(await inView(page, '#security-title'), 'the security section in view');

    // From home: the section named in the address is scrolled to once the page has loaded.
    await page.goto(suite.server.origin);
    await page.getByRole('link', { name: /^账号安全/ }).click();
    await page.waitForURL(/\/account#security$/);
    await page.locator('#security-title').waitFor();
    await page.waitForFunction(
      `document.querySelector('#security-title').getBoundingClientRect().top < innerHeight / 3`,
    );
    assert.ok(await inView(page, '#security-title'));
    assert.equal(await inView(page, '#profile-title'), false, 'scrolled past the profile');
    assert.equal(
      await page.evaluate('document.activeElement.id'),
      'security-title',
      'the keyboard starts there',
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('on a desktop the navigation sits beside the sections; on a phone above them', async () => {
    for (const [viewport, beside] of [
      [DESKTOP_VIEWPORT, true],
      [PHONE_VIEWPORT, false],
    ] as const) {
      const { tab } = await registered(suite, 'patient', viewport);
      await openAccount(tab.page, suite.server);
      const [nav, sections] = await Promise.all(
        ['.account-nav', '.account-sections'].map((selector) =>
          tab.page.locator(selector).evaluate((el) => {
            const box = el.getBoundingClientRect();
            return { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
          }),
        ),
      );
      assert.ok(nav && sections);
      if (beside) {
        assert.ok(nav.right <= sections.left, 'the navigation left of the sections');
        assert.ok(Math.abs(nav.top - sections.top) < 40, 'at the same height');
      } else {
        assert.ok(nav.bottom <= sections.top, 'the navigation above the sections');
      }
      // Full-width main buttons on a phone, as on the sign-in pages.
      const [button, form] = await Promise.all(
        ['#profile-submit', '#profile-form'].map((selector) =>
          tab.page.locator(selector).evaluate((el) => el.getBoundingClientRect().width),
        ),
      );
      if (beside) assert.ok((button ?? 0) < (form ?? 0), 'not stretched on a desktop');
      else assert.equal(button, form, 'the save button spans the form on a phone');
      await tab.close();
    }
  });

  it('shows no internal id, and leaves 姓名 empty while the name is the phone; saving other fields keeps it unset', async () => {
    const { tab, phone } = await registered(suite, 'patient');
    const { page } = tab;
    const id = await userIdOf(page, suite.server);
    await openAccount(page, suite.server);
    const text = await mainText(page);
    assert.doesNotMatch(text, /\bID\b|用户 ID/, 'no "ID" anywhere');
    assert.ok(
      !new RegExp(`(^|\\D)${id}(\\D|$)`).test(text.replace(/\d{4}年|\d{1,2}:\d{2}/g, '')),
      'no user id',
    );
    await expectText(page.locator('#user-phone'), maskPhone(phone), 'the phone, masked');
    const name = page.getByLabel('姓名');
    assert.equal(await name.inputValue(), '', 'not pre-filled with the phone');
    assert.equal(await name.getAttribute('placeholder'), '尚未填写');
    assert.equal(await name.evaluate((e) => (e as { required: boolean }).required), false, 'may stay empty');

    await page.getByLabel('年龄').fill('67');
    await page.getByRole('button', { name: '保存资料' }).click();
    await expectText(page.locator('#profile-saved'), '资料已保存', 'saved without a name');
    const after = await currentAccount({ baseUrl: suite.server.apiBase, headers: await sessionCookie(page) });
    assert.ok(after.kind === 'ok');
    assert.equal(after.value.user.age, 67);
    assert.equal(after.value.user.name, phone, 'the name untouched');
    assert.equal(await name.inputValue(), '', 'still empty');

    await name.fill('赵老伯');
    await page.getByRole('button', { name: '保存资料' }).click();
    await expectText(page.locator('#profile-saved'), '资料已保存', 'saved with a name');
    await page.reload();
    await page.locator('#profile-title').waitFor();
    assert.equal(await name.inputValue(), '赵老伯');
    assert.equal(
      await name.evaluate((e) => (e as { required: boolean }).required),
      true,
      'a set name cannot be cleared',
    );
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('ending the other sessions asks first, in the page: cancel (or Escape) ends nothing, confirm ends them', async () => {
    const { tab, phone } = await registered(suite, 'patient');
    const { page } = tab;
    const other = await suite.openTab();
    await logInThroughPage(other.page, suite.server, phone, PASSWORD);
    let ended = 0;
    page.on('request', (request) => {
      if (request.method() === 'DELETE' && new URL(request.url()).pathname.endsWith('/sessions')) ended += 1;
    });
    await openAccount(page, suite.server, '#security');
    await expectText(page.locator('#sessions'), /本设备/, 'sessions');
    assert.equal(await page.locator('#sessions li').count(), 2);

    const endOthers = page.getByRole('button', { name: '退出其他所有设备' });
    assert.equal(await styleOf(endOthers, 'color'), 'rgb(179, 38, 30)', 'looks destructive');
    await endOthers.click();
    const dialog = page.getByRole('dialog', { name: '退出其他所有设备？' });
    await dialog.waitFor();
    await expectText(page.locator('#confirm-text'), /需要重新登录/, 'what it does');
    assert.equal(await page.evaluate('document.activeElement.id'), 'confirm-cancel', 'cancel has the focus');
    await assertAccessible(page, 'the account page asking before ending other sessions');
    await dialog.getByRole('button', { name: '取消' }).click();
    assert.equal(await dialog.isVisible(), false);
    assert.equal(
      await page.evaluate('document.activeElement.id'),
      'end-others',
      'the focus back on the button',
    );
    await endOthers.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    assert.equal(await dialog.isVisible(), false);
    assert.equal(ended, 0, 'nothing ended');
    assert.equal(await page.locator('#sessions li').count(), 2);
    const still = await currentAccount({
      baseUrl: suite.server.apiBase,
      headers: await sessionCookie(other.page),
    });
    assert.equal(still.kind, 'ok', 'the other browser still logged in');

    await endOthers.click();
    await dialog.getByRole('button', { name: '全部退出' }).click();
    await expectText(page.locator('#sessions-status'), '其他设备上的登录已全部退出', 'ended');
    assert.equal(ended, 1);
    assert.equal(await page.locator('#sessions li').count(), 1);
    const gone = await currentAccount({
      baseUrl: suite.server.apiBase,
      headers: await sessionCookie(other.page),
    });
    assert.equal(gone.kind === 'refused' && gone.code, '4101', 'the other browser logged out');
    assert.deepEqual(tab.problems, []);
    await other.close();
    await tab.close();
  });

  it('deleting the account asks once more after the password and the tick: cancel deletes nothing', async () => {
    const { tab } = await registered(suite, 'patient');
    const { page } = tab;
    let deletes = 0;
    page.on('request', (request) => {
      if (request.method() === 'DELETE' && new URL(request.url()).pathname.endsWith('/users')) deletes += 1;
    });
    await openAccount(page, suite.server, '#privacy');
    await page.getByLabel('输入密码以确认').fill(PASSWORD);
    await page.getByRole('checkbox', { name: '我了解注销后无法恢复' }).check();
    const remove = page.getByRole('button', { name: '永久注销账号' });
    assert.equal(await styleOf(remove, 'backgroundColor'), 'rgb(179, 38, 30)', 'filled red');
    await remove.click();
    const dialog = page.getByRole('dialog', { name: '永久注销账号？' });
    await dialog.waitFor();
    await expectText(page.locator('#confirm-text'), /无法恢复/, 'says it cannot be undone');
    await dialog.getByRole('button', { name: '取消' }).click();
    assert.equal(deletes, 0, 'nothing sent');
    const still = await currentAccount({ baseUrl: suite.server.apiBase, headers: await sessionCookie(page) });
    assert.equal(still.kind, 'ok', 'the account is still there');
    assert.equal(page.url().endsWith('/account#privacy'), true, 'still on the page');
    // (Confirming deletes: test/web/personal-data.test.ts.)
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  for (const look of LOOKS) {
    it(`screenshots at ${look.name}: each section, a doctor's profile, and the confirmation`, async () => {
      const { tab } = await registered(suite, 'expert', look.viewport);
      const { page } = tab;
      if (look.largeText) await useLargeText(page);
      await openAccount(page, suite.server);
      await assertNothingSideways(page, look.viewport.width);
      await shoot(page, look, 'account-full');
      for (const section of ['profile', 'security', 'privacy']) {
        await page.goto(`${suite.server.origin}/account#${section}`);
        await page.locator(`#${section}-title`).waitFor();
        await page.waitForFunction(
          `document.querySelector('#${section}-title').getBoundingClientRect().top < innerHeight / 3`,
        );
        assert.deepEqual(await smallControls(page), [], `${section}: every control 44×44 or more`);
        await shoot(page, look, `account-${section}`, false);
      }
      await page.getByLabel('输入密码以确认').fill(PASSWORD);
      await page.getByRole('checkbox', { name: '我了解注销后无法恢复' }).check();
      await page.getByRole('button', { name: '永久注销账号' }).click();
      await page.getByRole('dialog').waitFor();
      assert.deepEqual(await smallControls(page), [], 'the confirmation’s buttons 44×44 or more');
      await assertAccessible(page, `the confirmation at ${look.name}`);
      await shoot(page, look, 'account-confirm', false);
      await page.keyboard.press('Escape');
      assert.deepEqual(tab.problems, []);
      await tab.close();
    });
  }
});
