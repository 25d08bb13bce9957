import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible,
  buildPagesIfStale,
  DESKTOP_VIEWPORT,
  expectError,
  expectText,
  launchBrowser,
  newPhone,
  openRegisterPage,
  openTab,
  PHONE_VIEWPORT,
  registerThroughPage,
  requestSmsCode,
  screenshot,
  startServer,
  tabStops,
  withoutNetworkErrors,
  wrongAnswer,
  type Server,
} from './support.js';

const PASSWORD = 'correct horse';

/** Waits until the captcha picture has arrived and been decoded. */
async function captchaShown(page: Page): Promise<void> {
  await page.waitForFunction(
    "(() => { const img = document.getElementById('captcha-image'); return img.complete && img.naturalWidth > 0; })()",
  );
}

interface PageState {
  name: string;
  /** Brings a fresh tab to the state, as a person would. */
  reach(page: Page, server: Server): Promise<void>;
  /** A console error the state causes on purpose. */
  expectedProblem?: RegExp;
}

const STATES: PageState[] = [
  {
    name: 'home-guest',
    async reach(page, server) {
      await page.goto(server.origin);
      await expectText(page.getByRole('heading', { level: 1 }), '欢迎使用 Medicine', 'heading');
    },
  },
  {
    name: 'home-user',
    async reach(page, server) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'expert');
      await expectText(page.locator('#status'), '注册成功，欢迎你！', 'status');
    },
  },
  {
    name: 'home-unreachable',
    async reach(page, server) {
      await page.route('**/api/1.0/users', (route) => route.abort('connectionrefused'));
      await page.goto(server.origin);
      await expectText(page.locator('#failed-text'), '无法连接服务器，请检查网络后重试', 'message');
    },
  },
  {
    name: 'register',
    async reach(page, server) {
      await openRegisterPage(page, server);
      await captchaShown(page);
    },
  },
  {
    name: 'register-empty-submit',
    async reach(page, server) {
      await openRegisterPage(page, server);
      await page.getByRole('button', { name: '注册', exact: true }).click();
      await expectError(page, '确认密码', '请再次输入密码');
      await captchaShown(page);
    },
  },
  {
    name: 'register-wrong-captcha',
    async reach(page, server) {
      const captcha = await openRegisterPage(page, server);
      await requestSmsCode(page, newPhone(), wrongAnswer(captcha.text));
      await expectError(page, '图片验证码', '图片验证码不正确，已换一张新的，请重新输入');
      await captchaShown(page);
    },
  },
  {
    name: 'register-code-sent',
    async reach(page, server) {
      const captcha = await openRegisterPage(page, server);
      await requestSmsCode(page, newPhone(), captcha.text);
      await expectText(page.locator('#sms-status'), /^验证码已发送到/, 'SMS status');
      await captchaShown(page);
    },
  },
  {
    name: 'login',
    async reach(page, server) {
      await page.goto(`${server.origin}/login`);
      await page.getByLabel('手机号').waitFor();
    },
  },
  {
    name: 'login-wrong-password',
    async reach(page, server) {
      await page.goto(`${server.origin}/login`);
      await page.getByLabel('手机号').fill(newPhone());
      await page.getByLabel('密码').fill('not the password');
      await page.getByRole('button', { name: '登录', exact: true }).click();
      await expectText(page.getByRole('alert'), '手机号或密码不正确', 'form message');
    },
  },
  {
    name: 'not-found',
    expectedProblem: /status of 404/,
    async reach(page, server) {
      const response = await page.goto(`${server.origin}/no-such-page`);
      assert.equal(response?.status(), 404);
      await expectText(page.getByRole('heading', { level: 1 }), '页面不存在', 'heading');
    },
  },
];

describe('every page and state: WCAG 2.2 A/AA by axe-core, screenshots, 320 px, keyboard', () => {
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
    for (const [size, viewport] of [
      ['375', PHONE_VIEWPORT],
      ['1280', DESKTOP_VIEWPORT],
    ] as const) {
      it(`${state.name} at ${size} px has no axe violations (screenshot ${state.name}-${size}.png)`, async () => {
        const tab = await openTab(browser, viewport);
        await state.reach(tab.page, server);
        await screenshot(tab.page, `${state.name}-${size}`);
        await assertAccessible(tab.page, `${state.name} at ${size} px`);
        const unexpected = withoutNetworkErrors(tab.problems).filter((p) => !state.expectedProblem?.test(p));
        assert.deepEqual(unexpected, []);
        await tab.close();
      });
    }
  }

  for (const name of ['register-code-sent', 'register-empty-submit', 'home-user', 'login-wrong-password']) {
    it(`${name} fits 320 px without sideways scrolling`, async () => {
      const tab = await openTab(browser, { width: 320, height: 640 });
      const state = STATES.find((s) => s.name === name);
      assert.ok(state);
      await state.reach(tab.page, server);
      const width = await tab.page.evaluate('document.documentElement.scrollWidth');
      assert.ok(Number(width) <= 320, `${name} is ${String(width)} px wide at a 320 px viewport`);
      await screenshot(tab.page, `${name}-320`);
      await tab.close();
    });
  }

  it('the register form is used in reading order with Tab, and every stop shows where the focus is', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    await openRegisterPage(page, server);
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
