import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { captchaShown, userIdOf } from './flows.js';
import {
  assertAccessible,
  buildPagesIfStale,
  captchaDrawnBy,
  chineseLeft,
  DESKTOP_VIEWPORT,
  expectText,
  launchBrowser,
  newPhone,
  openTab,
  PHONE_VIEWPORT,
  registerThroughPage,
  screenshot,
  startServer,
  type Server,
} from './support.js';

const PASSWORD = 'correct horse';
type Lang = 'zh-CN' | 'en';

interface State {
  name: string;
  reach(page: Page, server: Server, lang: Lang): Promise<void>;
}

const pick = (lang: Lang, zh: string, en: string): string => (lang === 'en' ? en : zh);

const STATES: State[] = [
  {
    name: 'login-sms',
    async reach(page, server, lang) {
      await page.goto(`${server.origin}/login`);
      await captchaDrawnBy(page, () =>
        page.getByRole('button', { name: pick(lang, '短信验证码登录', 'Log in with an SMS code') }).click(),
      );
      await captchaShown(page);
    },
  },
  {
    name: 'reset',
    async reach(page, server) {
      await captchaDrawnBy(page, () => page.goto(`${server.origin}/reset`));
      await captchaShown(page);
    },
  },
  {
    name: 'account-doctor',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'expert', lang);
      await page.goto(`${server.origin}/account`);
      await expectText(page.locator('#expert-status'), pick(lang, '待审核', 'Pending'), 'status');
      await expectText(page.locator('#audit li').first(), /./, 'audit');
    },
  },
  {
    name: 'experts',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'expert', lang);
      await server.app.services.admin.moderate(null, await userIdOf(page, server), 'approve');
      await page.goto(`${server.origin}/experts?count=1`);
      await expectText(page.locator('#experts li').first(), /./, 'the list');
    },
  },
  {
    name: 'expert',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'expert', lang);
      const id = await userIdOf(page, server);
      await server.app.services.admin.moderate(null, id, 'approve');
      await page.goto(`${server.origin}/expert?id=${id}`);
      await page.locator('#expert-details').waitFor();
    },
  },
  {
    name: 'admin',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'patient', lang);
      const id = await userIdOf(page, server);
      await server.app.services.admin.setRole(id, 'admin');
      await page.goto(`${server.origin}/admin`);
      await page.locator('#user_id').fill(String(id));
      await page.locator('[data-action="enable"]').click();
      await expectText(page.locator('#admin-result'), /./, 'result');
    },
  },
  {
    name: 'admin-forbidden',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'patient', lang);
      await page.goto(`${server.origin}/admin`);
      await expectText(
        page.locator('#forbidden-title'),
        pick(lang, '仅限管理员', 'Administrators only'),
        'h2',
      );
    },
  },
];
describe('the new pages: screenshots, axe-core, English, 320 px', () => {
  let server: Server;
  let browser: Browser;
  before(async () => {
    buildPagesIfStale();
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const state of STATES) {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [size, viewport] of [
        ['375', PHONE_VIEWPORT],
        ['1280', DESKTOP_VIEWPORT],
        ['320', { width: 320, height: 640 }],
      ] as const) {
        const file = `${state.name}${lang === 'en' ? '-en' : ''}-${size}`;
        it(`${state.name} (${lang}) at ${size} px: no axe violations, nothing sideways (${file}.png)`, async () => {
          // Past the per-address captcha quota (a minute's worth) that so many registrations use up.
          server.clock.advance(61_000);
          const tab = await openTab(browser, viewport, { locale: lang === 'en' ? 'en-US' : 'zh-CN' });
          await state.reach(tab.page, server, lang);
          await screenshot(tab.page, file);
          await assertAccessible(tab.page, file);
          if (lang === 'en') assert.deepEqual(await chineseLeft(tab.page), [], 'no Chinese left');
          const width = await tab.page.evaluate('document.documentElement.scrollWidth');
          assert.ok(Number(width) <= viewport.width, `${file} is ${String(width)} px wide`);
          assert.deepEqual(tab.problems, []);
          await tab.close();
        });
      }
    }
  }
});
