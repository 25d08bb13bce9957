import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { after, before } from 'node:test';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AxeResults } from 'axe-core';
import { chromium, type Browser, type Locator, type Page, type Response } from 'playwright-core';
import { buildApp, type App } from '../../src/app.js';
import { ManualClock } from '../../src/clock.js';
import { lastSmsCodeForTests } from '../../web/src/api.js';
import { testConfig } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SCREENSHOT_DIR = path.join(ROOT, 'test-output', 'screenshots');

export const PHONE_VIEWPORT = { width: 375, height: 812 };
export const DESKTOP_VIEWPORT = { width: 1280, height: 800 };

/** Builds web/dist when it is missing or stale, with the very script `npm start` runs first. */
export function buildPagesIfStale(): void {
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build-web-if-stale.mjs')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export interface Server {
  app: App;
  /** `http://127.0.0.1:PORT` */
  origin: string;
  /** The server's clock, for letting a captcha or an SMS code expire. */
  clock: ManualClock;
  apiBase: string;
  close(): Promise<void>;
}

/** The real server, pages included, on a free port, over an in-memory database and store. */
export async function startServer(env: Record<string, string> = {}): Promise<Server> {
  const clock = new ManualClock(Date.now());
  const app = await buildApp(testConfig({ DATABASE_URL: 'sqlite::memory:', REDIS_URL: '', ...env }), {
    clock,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address !== null && typeof address === 'object');
  const origin = `http://127.0.0.1:${address.port}`;
  return { app, origin, clock, apiBase: `${origin}/api/1.0`, close: () => app.close() };
}

/**
 * Debian's Chromium, headless. Playwright hides scroll bars by default; `scrollBars: true`
 * keeps them, as a person's browser and Lighthouse's have them (they take width when a page
 * grows tall enough to scroll).
 */
export function launchBrowser({ scrollBars = false }: { scrollBars?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    ...(scrollBars && { ignoreDefaultArgs: ['--hide-scrollbars'] }),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface Tab {
  page: Page;
  /** Console errors and uncaught exceptions, CSP refusals included. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * A fresh browser profile (no cookies, no stored language choice) with one tab, watching
 * for errors; by default a Chinese browser (`navigator.languages`, `Accept-Language`).
 */
export async function openTab(
  browser: Browser,
  viewport: { width: number; height: number } = PHONE_VIEWPORT,
  { locale = 'zh-CN' }: { locale?: string } = {},
): Promise<Tab> {
  const context = await browser.newContext({ viewport, locale, timezoneId: 'Asia/Shanghai' });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { page, problems, close: () => context.close() };
}

/** The server and the browser one browser test file runs against. */
export interface BrowserSuite {
  readonly server: Server;
  readonly browser: Browser;
  /** A fresh tab in the suite's browser (see openTab). */
  openTab(viewport?: { width: number; height: number }, options?: { locale?: string }): Promise<Tab>;
}

/**
 * The set-up every browser test file shares, called inside its describe(): before the
 * first test it builds the pages if they are stale, starts the real server (`env` added
 * to the test configuration) and the browser; after the last it closes both.
 */
export function browserSuite(env: Record<string, string> = {}): BrowserSuite {
  let server: Server | undefined;
  let browser: Browser | undefined;
  before(async () => {
    buildPagesIfStale();
    server = await startServer(env);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the suite's ${what} is used before its before() hook ran`);
    return value;
  };
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    openTab: (viewport, options) => openTab(started(browser, 'browser'), viewport, options),
  };
}

/** The next captcha image the page loads: its text (test-hook header) and the ids it was asked with. */
export interface DrawnCaptcha {
  text: string;
  uuid: string;
  lastUuid: string | null;
}

function isCaptchaResponse(response: Response): boolean {
  return new URL(response.url()).pathname.endsWith('/api/1.0/imageCode');
}

/** Runs `action` and returns the captcha it made the page draw. */
export async function captchaDrawnBy(page: Page, action: () => Promise<unknown>): Promise<DrawnCaptcha> {
  const [response] = await Promise.all([page.waitForResponse(isCaptchaResponse), action()]);
  assert.equal(response.status(), 200);
  const text = response.headers()['x-captcha-text'];
  assert.ok(text, 'the captcha response carries X-Captcha-Text (test hooks on)');
  const query = new URL(response.url()).searchParams;
  const uuid = query.get('uuid');
  assert.ok(uuid);
  return { text, uuid, lastUuid: query.get('last_uuid') };
}

/** A captcha answer that is certainly wrong. */
export function wrongAnswer(text: string): string {
  return text === 'AAAA' ? 'BBBB' : 'AAAA';
}

/** The SMS code the server last sent to `phone`, through the test hook of the pages' own API client. */
export async function smsCodeSentTo(server: Server, phone: string): Promise<string> {
  const result = await lastSmsCodeForTests(phone, { baseUrl: server.apiBase });
  assert.equal(result.kind, 'ok', `an SMS code was sent to ${phone}: ${JSON.stringify(result)}`);
  return (result as { value: string }).value;
}

let phoneCounter = 0;
/** A different valid mainland mobile number each call, within one test process. */
export function newPhone(): string {
  phoneCounter += 1;
  return `137${String(process.pid % 10000).padStart(4, '0')}${String(phoneCounter).padStart(4, '0')}`;
}

/**
 * What a screen reader says about the field labelled `label`, beyond its name: the text
 * of the elements its `aria-describedby` names. Checks that the field's error line is
 * among them and is a live region, so that a new message is also announced.
 */
export async function errorOf(page: Page, label: string): Promise<string> {
  const field = page.getByLabel(label, { exact: true });
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(/\s+/).find((id) => id.endsWith('-error'));
  assert.ok(errorId, `the field "${label}" points at its error line with aria-describedby`);
  const line = page.locator(`[id="${errorId}"]`);
  const live =
    (await line.getAttribute('aria-live')) ??
    ((await line.getAttribute('role')) === 'alert' ? 'alert' : null);
  assert.ok(live, `the error line of "${label}" is an aria-live region`);
  return ((await line.textContent()) ?? '').trim();
}

/** Waits until `read()` gives something `check` accepts; fails with the last value seen. */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value)) {
    if (Date.now() > deadline) assert.fail(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** Waits for the error line of the field labelled `label` to say `expected`. */
export function expectError(page: Page, label: string, expected: string | RegExp): Promise<string> {
  return eventually(
    () => errorOf(page, label),
    (text) => (typeof expected === 'string' ? text === expected : expected.test(text)),
    `error under "${label}"`,
  );
}

/** Waits for `locator`'s visible text to match. */
export function expectText(locator: Locator, expected: string | RegExp, what: string): Promise<string> {
  return eventually(
    async () => ((await locator.textContent()) ?? '').trim(),
    (text) => (typeof expected === 'string' ? text === expected : expected.test(text)),
    what,
  );
}

/** The accessible name of the element that has the keyboard focus. */
export function focusedLabel(page: Page): Promise<string> {
  return page.evaluate(
    `(() => {
      const el = document.activeElement;
      if (!el) return '';
      const byLabel = el.labels && el.labels[0] ? el.labels[0].textContent : null;
      return (byLabel || el.getAttribute('aria-label') || el.textContent || '').trim();
    })()`,
  );
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Runs axe-core on the page as it is now and fails on any WCAG 2.0–2.2 A/AA violation.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern:
 * a <script> tag would be (rightly) refused by it.
 */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const results = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })`,
  )) as AxeResults;
  const violations = results.violations.map(
    (v) =>
      `${v.id} (${v.impact ?? '?'}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`,
  );
  assert.deepEqual(violations, [], `axe violations on ${where}`);
  assert.ok(results.passes.length > 0, 'axe checked something');
}

/** Saves a full-page screenshot under test-output/screenshots/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** `13712340001` → `137****0001`: how the "sent" row shows the number (issue 16), written out here. */
export function masked(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** What the pages call the two account types. */
export const TYPE_LABELS = { patient: '患者', expert: '医生' } as const;

export type PageLanguage = 'zh-CN' | 'en';

/**
 * The words by which a person (and so a test) finds things on the pages, in each
 * language. Written out here rather than taken from web/src/i18n.ts, so that a wrong
 * entry in the catalogue fails a test instead of moving it along.
 */
export const WORDS = {
  'zh-CN': {
    phone: '手机号',
    captcha: '图片验证码',
    sendCode: '获取验证码',
    smsCode: '短信验证码',
    password: '密码',
    password2: '确认密码',
    register: '注册',
    agree: '我已阅读并同意《用户协议》和《隐私政策》',
    types: TYPE_LABELS,
    codeSent: (phone: string) => `验证码已发送至 ${masked(phone)}`,
    hello: (name: string) => `你好，${name}`,
    /** A new account's name is its phone, which home does not call a name (issue 16). */
    helloNoName: '你好',
  },
  en: {
    phone: 'Mobile number',
    captcha: 'Image code',
    sendCode: 'Get code',
    smsCode: 'SMS code',
    password: 'Password',
    password2: 'Confirm password',
    register: 'Register',
    agree: 'I have read and agree to the User Agreement and the Privacy Policy',
    types: { patient: 'Patient', expert: 'Doctor' },
    codeSent: (phone: string) => `Code sent to ${masked(phone)}`,
    hello: (name: string) => `Hello, ${name}`,
    helloNoName: 'Hello',
  },
} as const;

/** Opens the register page; returns the captcha it drew. */
export function openRegisterPage(page: Page, server: Server): Promise<DrawnCaptcha> {
  return captchaDrawnBy(page, () => page.goto(`${server.origin}/register`));
}

/**
 * Fills phone and captcha and presses "获取验证码"; returns the server's reply. Once a code is
 * sent the page draws no new captcha until the person asks to resend or to change the number.
 */
export async function requestSmsCode(
  page: Page,
  phone: string,
  captchaText: string,
  language: PageLanguage = 'zh-CN',
): Promise<{ re_code: string }> {
  const words = WORDS[language];
  await page.getByLabel(words.phone).fill(phone);
  await page.getByLabel(words.captcha, { exact: true }).fill(captchaText);
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname.endsWith('/api/1.0/smsCode')),
    page.getByRole('button', { name: words.sendCode }).click(),
  ]);
  return (await response.json()) as { re_code: string };
}

/** As requestSmsCode, for a request the server refuses: returns the new captcha the page draws after it. */
export async function requestSmsCodeRefused(
  page: Page,
  phone: string,
  captchaText: string,
  language: PageLanguage = 'zh-CN',
): Promise<DrawnCaptcha> {
  const words = WORDS[language];
  await page.getByLabel(words.phone).fill(phone);
  await page.getByLabel(words.captcha, { exact: true }).fill(captchaText);
  return captchaDrawnBy(page, () => page.getByRole('button', { name: words.sendCode }).click());
}

/** Registers `phone` through the register page, as a person does, and waits for the home page. */
export async function registerThroughPage(
  page: Page,
  server: Server,
  phone: string,
  password: string,
  type: keyof typeof TYPE_LABELS = 'patient',
  language: PageLanguage = 'zh-CN',
): Promise<void> {
  const words = WORDS[language];
  const captcha = await openRegisterPage(page, server);
  await page.getByRole('radio', { name: words.types[type] }).check();
  await requestSmsCode(page, phone, captcha.text, language);
  await expectText(page.locator('#sms-status'), words.codeSent(phone), 'SMS status');
  await page.getByLabel(words.smsCode).fill(await smsCodeSentTo(server, phone));
  await page.getByLabel(words.password, { exact: true }).fill(password);
  await page.getByLabel(words.password2).fill(password);
  await page.getByRole('checkbox', { name: words.agree }).check();
  await Promise.all([
    page.waitForURL(`${server.origin}/`),
    page.getByRole('button', { name: words.register, exact: true }).click(),
  ]);
  await expectText(page.getByRole('heading', { level: 1 }), words.helloNoName, 'home page greeting');
}

/** Logs `phone` in with its password through the login page (in Chinese), and waits for the home page. */
export async function logInThroughPage(
  page: Page,
  server: Server,
  phone: string,
  password: string,
): Promise<void> {
  await page.goto(`${server.origin}/login`);
  await page.getByLabel('手机号').fill(phone);
  await page.getByLabel('密码').fill(password);
  await Promise.all([
    page.waitForURL(`${server.origin}/`),
    page.getByRole('button', { name: '登录', exact: true }).click(),
  ]);
}

export interface TabStop {
  name: string;
  outline: string;
}

/**
 * Presses Tab `count` times (running `atStop` at each stop); for each stop, the focused element's name (its label, alt
 * text or text) and its focus ring ("solid 3" for a 3 px ring; a radio's is on its label).
 */
export async function tabStops(
  page: Page,
  count: number,
  atStop: (stop: TabStop, index: number) => Promise<void> = async () => {},
): Promise<TabStop[]> {
  const stops: TabStop[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    stops.push(
      (await page.evaluate(`(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const ring = el.matches('input[type=radio]') ? getComputedStyle(el.closest('label')) : style;
        const name = (el.labels && el.labels[0] ? el.labels[0].textContent : el.getAttribute('alt') ||
          (el.querySelector('img') ? el.querySelector('img').alt : el.textContent)).trim();
        return { name, outline: ring.outlineStyle + ' ' + parseFloat(ring.outlineWidth) };
      })()`)) as TabStop,
    );
    await atStop(stops[i] as TabStop, i + 1);
  }
  return stops;
}

/**
 * The Chinese (Han characters, CJK punctuation) left on a page that should be English: in
 * its text, title, and alt, aria-label, title and placeholder attributes, outside elements
 * marked `lang="zh-CN"` (the "中文" option of the language switch).
 */
export function chineseLeft(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const chinese = /[\u3000-\u303f\u3400-\u9fff\uff01-\uff5e]/;
    const markedChinese = (el) => {
      const marked = el.closest('[lang="zh-CN"]');
      return marked !== null && marked !== document.documentElement;
    };
    const found = [];
    const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (parent === null || markedChinese(parent) || parent.closest('script, style')) continue;
      if (chinese.test(node.textContent)) found.push(parent.localName + ': ' + node.textContent.trim());
    }
    for (const el of document.querySelectorAll('[alt], [aria-label], [title], [placeholder]')) {
      if (markedChinese(el)) continue;
      for (const name of ['alt', 'aria-label', 'title', 'placeholder']) {
        const value = el.getAttribute(name);
        if (value !== null && chinese.test(value)) found.push(el.localName + '[' + name + ']: ' + value);
      }
    }
    if (chinese.test(document.title)) found.push('document.title: ' + document.title);
    return found;
  })()`);
}

/** Console errors a test caused on purpose by cutting the network. */
export function withoutNetworkErrors(problems: string[]): string[] {
  return problems.filter((problem) => !/Failed to load resource: net::ERR_/.test(problem));
}
