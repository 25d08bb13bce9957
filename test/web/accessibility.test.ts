import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { STATES } from './pages.js';
import {
  assertAccessible,
  browserSuite,
  chineseLeft,
  DESKTOP_VIEWPORT,
  openRegisterPage,
  PHONE_VIEWPORT,
  screenshot,
  tabStops,
  withoutNetworkErrors,
} from './support.js';

const SIZES = [
  ['375', PHONE_VIEWPORT],
  ['1280', DESKTOP_VIEWPORT],
  ['320', { width: 320, height: 640 }],
] as const;

describe('every page and state, in Chinese and in English: WCAG 2.2 A/AA by axe-core, screenshots, 320 px, keyboard', () => {
  // Every state that registers sends an SMS from 127.0.0.1: more than the hourly per-address
  // quota (30) across the states, which is not what these tests are about.
  const suite = browserSuite({ SMS_PER_IP_PER_HOUR: '1000' });

  for (const state of STATES) {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [size, viewport] of SIZES) {
        const file = `${state.name}${lang === 'en' ? '-en' : ''}-${size}`;
        it(`${state.name} (${lang}) at ${size} px: no axe violations, nothing sideways (${file}.png)`, async () => {
          // Past the per-address captcha quota (a minute's worth) that so many registrations use up.
          suite.server.clock.advance(61_000);
          const tab = await suite.openTab(viewport, { locale: lang === 'en' ? 'en-US' : 'zh-CN' });
          const { page } = tab;
          await state.reach(page, suite.server, lang);
          await screenshot(page, file);
          assert.equal(await page.evaluate('document.documentElement.lang'), lang);
          if (lang === 'en') assert.deepEqual(await chineseLeft(page), [], 'no Chinese left');
          await assertAccessible(page, file);
          const width = await page.evaluate('document.documentElement.scrollWidth');
          assert.ok(Number(width) <= viewport.width, `${file} is ${String(width)} px wide`);
          if (lang === 'en' && size === '320') {
            const spilling = await page.evaluate(`[...document.querySelectorAll('button, .button, label, h1')]
              .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
              .map((el) => el.textContent.trim())`);
            assert.deepEqual(spilling, [], 'text wider than its box');
            const headerLines = await page.evaluate(`(() => {
              const brand = document.querySelector('.brand').getBoundingClientRect();
              const languages = document.querySelector('.language-switch').getBoundingClientRect();
              return languages.top < brand.bottom ? 1 : 2;
            })()`);
            assert.equal(headerLines, 1, 'the site name and the language switch share one line');
          }
          const unexpected = withoutNetworkErrors(tab.problems).filter(
            (p) => !state.expectedProblem?.test(p),
          );
          assert.deepEqual(unexpected, []);
          await tab.close();
        });
      }
    }
  }

  it('the register form is used in reading order with Tab, and every stop shows where the focus is', async () => {
    const tab = await suite.openTab();
    const { page } = tab;
    await openRegisterPage(page, suite.server);
    const stops = await tabStops(page, 17, async (stop, index) => {
      if (['English', '患者', '获取验证码'].includes(stop.name)) {
        await screenshot(page, `register-focus-${index}-375`);
      }
    });
    for (const stop of stops) assert.equal(stop.outline, 'solid 3', `a visible focus ring on "${stop.name}"`);
    assert.deepEqual(
      stops.map((stop) => stop.name),
      [
        'Medicine 医疗服务',
        '中文',
        'English',
        '患者',
        '手机号',
        '图片验证码',
        '图片验证码，点击换一张',
        '我不是机器人（无障碍验证）', // issue 12: the ALTCHA check beside the image
        '短信验证码',
        '获取验证码',
        '密码',
        '确认密码',
        '我已阅读并同意《用户协议》和《隐私政策》', // issue 15: consent, with links to both documents
        '《用户协议》',
        '《隐私政策》',
        '注册',
        '登录',
      ],
    );
    // Arrow keys move between patient and doctor, as in any radio group.
    await page.getByRole('radio', { name: '患者' }).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('radio', { name: '医生' }).isChecked(), true);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
