import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { captchaDrawnBy, masked, type PageLanguage, type Server } from './support.js';
import { captchaShown, userIdOf } from './flows.js';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import type { User } from '../../src/services/users.js';
import {
  expectError,
  expectText,
  newPhone,
  openRegisterPage,
  registerThroughPage,
  requestSmsCode,
  requestSmsCodeRefused,
  wrongAnswer,
} from './support.js';
import { registerAccount } from '../helpers/app.js';

const PASSWORD = 'correct horse';

/** What a page says at first sight (the home page to a guest): its title and first heading. */
export interface FirstSight {
  title: string;
  heading: string;
}

export interface PageEntry {
  /** The source under web/. */
  file: string;
  /** An address that shows it. */
  path: string;
  /** What a guest sees first, in each language; absent for the pages a guest is sent away from. */
  guest?: { zh: FirstSight; en: FirstSight };
}

/** Every page of web/. */
export const PAGES: readonly PageEntry[] = [
  {
    file: 'index.html',
    path: '/',
    guest: {
      zh: { title: 'Medicine 医疗服务', heading: '欢迎使用 Medicine' },
      en: { title: 'Medicine Health', heading: 'Welcome to Medicine' },
    },
  },
  {
    file: 'register.html',
    path: '/register',
    guest: {
      zh: { title: '注册 - Medicine 医疗服务', heading: '注册账号' },
      en: { title: 'Register - Medicine Health', heading: 'Create an account' },
    },
  },
  {
    file: 'login.html',
    path: '/login',
    guest: {
      zh: { title: '登录 - Medicine 医疗服务', heading: '登录' },
      en: { title: 'Log in - Medicine Health', heading: 'Log in' },
    },
  },
  {
    file: '404.html',
    path: '/no-such-page',
    guest: {
      zh: { title: '页面不存在 - Medicine 医疗服务', heading: '页面不存在' },
      en: { title: 'Page not found - Medicine Health', heading: 'Page not found' },
    },
  },
  {
    file: 'reset.html',
    path: '/reset',
    guest: {
      zh: { title: '找回密码 - Medicine 医疗服务', heading: '找回密码' },
      en: { title: 'Reset password - Medicine Health', heading: 'Reset your password' },
    },
  },
  { file: 'account.html', path: '/account' },
  { file: 'experts.html', path: '/experts' },
  { file: 'expert.html', path: '/expert' },
  { file: 'admin.html', path: '/admin' },
];

/** The pages a guest can see, with what they say first. */
export const GUEST_PAGES = PAGES.flatMap(({ path, guest }) =>
  guest === undefined ? [] : [{ path, ...guest }],
);

/** What the page at `path` says to a guest at first sight. */
export function guestWords(path: string): { zh: FirstSight; en: FirstSight } {
  const page = GUEST_PAGES.find((entry) => entry.path === path);
  assert.ok(page, `${path} is a page a guest sees`);
  return page;
}

const pick = (lang: PageLanguage, zh: string, en: string): string => (lang === 'en' ? en : zh);

export interface PageState {
  name: string;
  /** Brings a fresh tab, in `lang`, to the state, as a person would. */
  reach(page: Page, server: Server, lang: PageLanguage): Promise<void>;
  /** A console error the state causes on purpose. */
  expectedProblem?: RegExp;
}

/** Every state of every page worth a look: each is checked by axe, at three widths, in both languages. */
export const STATES: readonly PageState[] = [
  {
    name: 'home-guest',
    async reach(page, server, lang) {
      await page.goto(server.origin);
      await expectText(
        page.getByRole('heading', { level: 1 }),
        guestWords('/')[langKey(lang)].heading,
        'heading',
      );
    },
  },
  {
    name: 'home-user',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'expert', lang);
      await expectText(
        page.locator('#status'),
        pick(lang, '注册成功，欢迎你！', 'You are registered. Welcome!'),
        'status',
      );
    },
  },
  {
    name: 'home-unreachable',
    async reach(page, server, lang) {
      await page.route('**/api/1.0/users', (route) => route.abort('connectionrefused'));
      await page.goto(server.origin);
      await expectText(
        page.locator('#failed-text'),
        pick(
          lang,
          '无法连接服务器，请检查网络后重试',
          'Cannot reach the server. Check your connection and try again',
        ),
        'message',
      );
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
    async reach(page, server, lang) {
      await openRegisterPage(page, server);
      await page.getByRole('button', { name: pick(lang, '注册', 'Register'), exact: true }).click();
      // One message at a time (issue 16): the first field.
      await expectError(
        page,
        pick(lang, '手机号', 'Mobile number'),
        pick(lang, '请输入手机号', 'Enter your mobile number'),
      );
      await captchaShown(page);
    },
  },
  {
    name: 'register-missing-step',
    async reach(page, server, lang) {
      await openRegisterPage(page, server);
      await page.getByLabel(pick(lang, '手机号', 'Mobile number')).fill(newPhone());
      await page.getByRole('button', { name: pick(lang, '注册', 'Register'), exact: true }).click();
      await expectError(
        page,
        pick(lang, '图片验证码', 'Image code'),
        pick(
          lang,
          '请先获取短信验证码：输入图片验证码后点“获取验证码”',
          'Get an SMS code first: enter the image code, then press “Get code”',
        ),
      );
      await captchaShown(page);
    },
  },
  {
    name: 'register-wrong-captcha',
    async reach(page, server, lang) {
      const captcha = await openRegisterPage(page, server);
      await requestSmsCodeRefused(page, newPhone(), wrongAnswer(captcha.text), lang);
      await expectError(
        page,
        pick(lang, '图片验证码', 'Image code'),
        pick(
          lang,
          '图片验证码不正确，已换一张新的，请重新输入',
          'The image code was wrong. Here is a new one: enter its characters',
        ),
      );
      await captchaShown(page);
    },
  },
  {
    name: 'register-code-sent',
    async reach(page, server, lang) {
      const captcha = await openRegisterPage(page, server);
      await requestSmsCode(page, newPhone(), captcha.text, lang);
      await expectText(
        page.locator('#sms-status'),
        lang === 'en' ? /^Code sent to 137\*{4}\d{4}$/ : /^验证码已发送至 137\*{4}\d{4}$/,
        'SMS status',
      );
      await expectText(
        page.locator('#resend-sms'),
        lang === 'en' ? /^Resend in \d+ s$/ : /^\d+ 秒后重新获取$/,
        'countdown',
      );
    },
  },
  {
    name: 'login',
    async reach(page, server, lang) {
      await page.goto(`${server.origin}/login`);
      await page.getByLabel(pick(lang, '手机号', 'Mobile number')).waitFor();
    },
  },
  {
    name: 'login-wrong-password',
    async reach(page, server, lang) {
      await page.goto(`${server.origin}/login`);
      await page.getByLabel(pick(lang, '手机号', 'Mobile number')).fill(newPhone());
      await page.getByLabel(pick(lang, '密码', 'Password')).fill('not the password');
      await page.getByRole('button', { name: pick(lang, '登录', 'Log in'), exact: true }).click();
      await expectText(
        page.getByRole('alert'),
        pick(lang, '手机号或密码不正确', 'Wrong mobile number or password'),
        'form message',
      );
    },
  },
  {
    name: 'login-sms',
    async reach(page, server, lang) {
      await page.goto(`${server.origin}/login`);
      await captchaDrawnBy(page, () =>
        page.getByRole('tab', { name: pick(lang, '短信登录', 'With SMS code') }).click(),
      );
      await captchaShown(page);
    },
  },
  {
    name: 'login-sms-code-sent',
    async reach(page, server, lang) {
      const phone = newPhone();
      await registerAccount(server.app, phone, PASSWORD);
      server.clock.advance(61_000); // past the resend window of the sign-up code
      await page.goto(`${server.origin}/login`);
      const captcha = await captchaDrawnBy(page, () =>
        page.getByRole('tab', { name: pick(lang, '短信登录', 'With SMS code') }).click(),
      );
      await requestSmsCode(page, phone, captcha.text, lang);
      await expectText(
        page.locator('#sms-status'),
        pick(lang, `验证码已发送至 ${masked(phone)}`, `Code sent to ${masked(phone)}`),
        'SMS status',
      );
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
      // Only this run's doctors (the state is reached in both languages, on one server): three
      // with a name, a major and perhaps a title, then one who gave none of them.
      const { admin, profiles } = server.app.services;
      for (
        let listed = await profiles.listExperts(1, 50);
        listed.total > 0;
        listed = await profiles.listExperts(1, 50)
      )
        for (const doctor of listed.data) await admin.moderate(null, doctor.user_id, 'reject');
      for (const [zh, en, major, grade] of [
        ['王芳', 'Wang Fang', pick(lang, '心血管内科', 'Cardiology'), 'professor'],
        ['李明', 'Li Ming', pick(lang, '儿科', 'Paediatrics'), 'assprofessor'],
        ['张华', 'Zhang Hua', pick(lang, '皮肤科', 'Dermatology'), null],
      ] as const) {
        await admin.moderate(null, await doctorAccount(server, pick(lang, zh, en), major, grade), 'approve');
      }
      await server.app.services.admin.moderate(
        null,
        await doctorAccount(server, null, null, null),
        'approve',
      );
      await page.goto(`${server.origin}/experts?count=3`);
      await expectText(page.locator('#experts li').first(), /./, 'the list');
      await expectText(page.locator('#page-of'), /./, 'paging');
    },
  },
  {
    name: 'experts-empty',
    async reach(page, server) {
      // A server whose list is empty: the first page of none.
      await emptyDoctorsList(page);
      await page.goto(`${server.origin}/experts`);
      await page.locator('#experts-empty').waitFor();
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
      await adminWithQueue(page, server, lang);
    },
  },
  {
    name: 'admin-confirm-disable',
    async reach(page, server, lang) {
      await adminWithQueue(page, server, lang);
      await page
        .getByRole('button', {
          name: pick(lang, `停用账号：${DOCTOR_NAME.zh}`, `Disable account: ${DOCTOR_NAME.en}`),
        })
        .click();
      await page.getByRole('dialog').waitFor();
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
  {
    name: 'not-found',
    expectedProblem: /status of 404/,
    async reach(page, server, lang) {
      const response = await page.goto(`${server.origin}/no-such-page`);
      assert.equal(response?.status(), 404);
      await expectText(
        page.getByRole('heading', { level: 1 }),
        guestWords('/no-such-page')[langKey(lang)].heading,
        'heading',
      );
    },
  },
  {
    // Issue 16: the confirmation before deleting the account, over the privacy section.
    name: 'account-delete-confirm',
    async reach(page, server, lang) {
      await registerThroughPage(page, server, newPhone(), PASSWORD, 'patient', lang);
      await page.goto(`${server.origin}/account#privacy`);
      await expectText(page.locator('#audit li').first(), /./, 'audit');
      await page.locator('#delete_password').fill(PASSWORD);
      await page.locator('#delete_confirm').check();
      await page.locator('#delete-submit').click();
      await expectText(
        page.locator('#confirm-title'),
        pick(lang, '永久注销账号？', 'Delete your account for good?'),
        'the confirmation',
      );
    },
  },
  {
    name: 'terms',
    async reach(page, server, lang) {
      await page.goto(`${server.origin}/terms`);
      await expectText(
        page.getByRole('heading', { level: 1 }),
        pick(lang, '用户协议', 'User Agreement'),
        'the document',
      );
    },
  },
];

/** The doctors list's API answers the first page of none (a server with no approved doctor). */
export async function emptyDoctorsList(page: Page): Promise<void> {
  await page.route('**/api/1.0/experts?*', (route) =>
    route.fulfill({
      json: { re_code: '0', msg: '查询成功', current_page: 1, pages: 0, total: 0, has_next: false, data: [] },
    }),
  );
}

function langKey(lang: PageLanguage): 'zh' | 'en' {
  return lang === 'en' ? 'en' : 'zh';
}

/** The doctor with a name in the admin's queue (the other has none: their masked phone stands for it). */
const DOCTOR_NAME = { zh: '王芳', en: 'Wang Fang' } as const;

/**
 * An admin's page with a queue of exactly two doctors awaiting approval, one named and one
 * not; the doctors earlier states registered are taken out of the queue first.
 */
async function adminWithQueue(page: Page, server: Server, lang: PageLanguage): Promise<void> {
  const adminUser = await loggedInAdmin(page, server);
  const { admin } = server.app.services;
  const pending = await admin.listUsers(adminUser, { status: 'pending', page: 1, count: 100 });
  assert.ok(pending.ok);
  for (const doctor of pending.value.items) await admin.moderate(null, doctor.user_id, 'reject');
  await doctorAccount(server, DOCTOR_NAME[langKey(lang)], pick(lang, '心内科', 'Cardiology'), null);
  await doctorAccount(server, null, null, null);
  await page.goto(`${server.origin}/admin`);
  await expectText(
    page.locator('#queue-count'),
    pick(lang, '共 2 位医生待审核', '2 doctors are awaiting approval'),
    'queue',
  );
}

/**
 * A new admin logged in in `page`'s browser, without the register page's SMS code (the
 * per-address SMS quota is shared by every state): the account is made by the service, the
 * login is POST /sessions, and its session cookie goes into the browser.
 */
async function loggedInAdmin(page: Page, server: Server): Promise<User> {
  const phone = newPhone();
  const created = await server.app.services.accounts.createAccount(
    { phone, passwordHash: await new Argon2Hasher().hash(PASSWORD), types: 'patient' },
    null,
    { ip: '127.0.0.1', userAgent: undefined },
  );
  assert.ok(created);
  const made = await server.app.services.admin.setRole(created.user.id, 'admin');
  assert.ok(made.ok);
  const reply = await fetch(`${server.apiBase}/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: server.origin },
    body: JSON.stringify({ phone, password: PASSWORD }),
  });
  assert.equal(((await reply.json()) as { re_code: string }).re_code, '0');
  const session = /(?:^|,\s*)session=([^;]+)/.exec(reply.headers.get('set-cookie') ?? '')?.[1];
  assert.ok(session, 'the login set a session cookie');
  await page.context().addCookies([{ name: 'session', value: session, url: server.origin }]);
  return made.value;
}

/** A doctor's account made by the service itself (no browser, no session), awaiting approval; its id. */
async function doctorAccount(
  server: Server,
  name: string | null,
  major: string | null,
  grade: 'professor' | 'assprofessor' | null,
): Promise<number> {
  const { accounts, profiles } = server.app.services;
  const created = await accounts.createAccount(
    { phone: newPhone(), passwordHash: 'not used', types: 'expert' },
    null,
    { ip: '127.0.0.1', userAgent: undefined },
  );
  assert.ok(created);
  const profile = {
    ...(name !== null && { name }),
    ...(major !== null && { major }),
    ...(grade !== null && { grade }),
  };
  if (Object.keys(profile).length > 0) assert.ok((await profiles.updateProfile(created.user, profile)).ok);
  return created.user.id;
}
