import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { exportData } from '../../web/src/api.js';
import { LEGAL_TEMPLATES_DIR } from '../../src/paths.js';
import { sessionCookie } from './flows.js';
import {
  assertAccessible,
  buildPagesIfStale,
  errorOf,
  expectError,
  expectText,
  launchBrowser,
  newPhone,
  openRegisterPage,
  openTab,
  registerThroughPage,
  requestSmsCode,
  screenshot,
  smsCodeSentTo,
  startServer,
  type Server,
} from './support.js';

const PASSWORD = 'correct horse';
const AGREE = '我已阅读并同意《用户协议》和《隐私政策》';

/** A LEGAL_DIR whose documents are at `version`. */
function legalDir(version: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-legal-web-'));
  for (const file of fs.readdirSync(LEGAL_TEMPLATES_DIR)) {
    const text = fs.readFileSync(path.join(LEGAL_TEMPLATES_DIR, file), 'utf8');
    fs.writeFileSync(path.join(dir, file), text.replace(/^version: .*$/m, `version: ${version}`));
  }
  return dir;
}

describe('consent, a copy of one’s data and deletion in the pages (issue 15)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-consent-web-'));
  const v1 = legalDir('v1');
  const v2 = legalDir('v2');
  const env = (legal: string) => ({
    DATABASE_URL: `sqlite:${path.join(dataDir, 'medicine.db')}`,
    LEGAL_DIR: legal,
    ICP_FILING: '京ICP备12345678号-1',
    PSB_FILING: '京公网安备11010802012345号',
  });
  let server: Server;
  let browser: Browser;
  before(async () => {
    buildPagesIfStale();
    server = await startServer(env(v1));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    for (const dir of [dataDir, v1, v2]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('the register page asks with an unticked box whose links open the documents, and refuses to send without it', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    const captcha = await openRegisterPage(page, server);
    const box = page.getByRole('checkbox', { name: AGREE });
    assert.equal(await box.isChecked(), false, 'never ticked in advance');
    const form = page.locator('#register-form');
    assert.equal(await form.getByRole('link', { name: '《用户协议》' }).getAttribute('href'), '/terms');
    assert.equal(await form.getByRole('link', { name: '《隐私政策》' }).getAttribute('href'), '/privacy');
    let registerCalls = 0;
    page.on('request', (request) => {
      if (request.url().endsWith('/api/1.0/register')) registerCalls += 1;
    });
    // Everything else filled in: the unticked box is the one step left, and it is said.
    const phone = newPhone();
    assert.equal((await requestSmsCode(page, phone, captcha.text)).re_code, '0');
    await page.getByLabel('短信验证码').fill(await smsCodeSentTo(server, phone));
    await page.getByLabel('密码', { exact: true }).fill('correct horse');
    await page.getByLabel('确认密码').fill('correct horse');
    await page.getByRole('button', { name: '注册', exact: true }).click();
    await expectError(page, AGREE, '请先阅读并勾选同意《用户协议》和《隐私政策》');
    assert.equal(registerCalls, 0);

    const [terms] = await Promise.all([
      page.context().waitForEvent('page'),
      form.getByRole('link', { name: '《用户协议》' }).click(),
    ]);
    await expectText(
      terms.getByRole('heading', { level: 1 }),
      '用户协议',
      'the agreement opens in a new tab',
    );
    await expectText(terms.locator('#legal-version'), '版本：v1', 'its version');
    assert.equal(await terms.title(), '用户协议 - Medicine 医疗服务');
    await assertAccessible(terms, '/terms');
    await screenshot(terms, 'terms-375');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('/privacy in English, and the footer of every page: both documents and the filing numbers, linked to their registers', async () => {
    const tab = await openTab(browser, undefined, { locale: 'en-US' });
    const { page } = tab;
    await page.goto(`${server.origin}/privacy`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Privacy Policy', 'the English text');
    const footer = page.getByRole('contentinfo');
    await expectText(footer.getByRole('link', { name: '京ICP备12345678号-1' }), '京ICP备12345678号-1', 'ICP');
    assert.equal(
      await footer.getByRole('link', { name: '京ICP备12345678号-1' }).getAttribute('href'),
      'https://beian.miit.gov.cn/',
    );
    assert.equal(
      await footer.getByRole('link', { name: '京公网安备11010802012345号' }).getAttribute('href'),
      'https://beian.mps.gov.cn/#/query/webSearch?code=11010802012345',
    );
    assert.equal(await footer.getByRole('link', { name: 'User Agreement' }).getAttribute('href'), '/terms');
    await assertAccessible(page, '/privacy in English, with the footer');
    for (const address of ['/', '/login', '/register', '/experts', '/account', '/nowhere']) {
      await page.goto(`${server.origin}${address}`);
      await page.getByRole('contentinfo').getByRole('link', { name: 'Privacy Policy' }).waitFor();
    }
    // /nowhere answers 404 on purpose, which the browser reports.
    assert.deepEqual(
      tab.problems.filter((problem) => !problem.includes('status of 404')),
      [],
    );
    await tab.close();
  });

  it('registering records the versions agreed to; after a new version the account page asks again until agreed', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    const phone = newPhone();
    await registerThroughPage(page, server, phone, PASSWORD);
    const cookie = await sessionCookie(page);
    const first = await exportData({ baseUrl: server.apiBase, headers: cookie });
    assert.equal(first.kind, 'ok');
    const consents = first.kind === 'ok' ? first.value.consents : [];
    assert.equal(consents.length, 1);
    assert.equal(consents[0]?.terms_version, 'v1');
    assert.equal(consents[0]?.ip, '127.0.0.1');
    assert.match(consents[0]?.user_agent ?? '', /Chrome/);

    await page.goto(`${server.origin}/account`);
    await page.getByRole('heading', { name: '个人资料' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: '《用户协议》《隐私政策》已更新' }).count(), 0);

    // The operator publishes new versions: the same database, the same cookie, another start.
    await server.close();
    server = await startServer(env(v2));
    await page.goto(`${server.origin}/account`);
    const notice = page.getByRole('heading', { name: '《用户协议》《隐私政策》已更新' });
    await notice.waitFor();
    await assertAccessible(page, 'the account page asking again');
    await screenshot(page, 'account-consent-375');
    await page.getByRole('button', { name: '同意', exact: true }).click();
    await expectError(
      page,
      '我已阅读并同意更新后的《用户协议》和《隐私政策》',
      '请先阅读并勾选同意《用户协议》和《隐私政策》',
    );
    await page.getByRole('checkbox', { name: '我已阅读并同意更新后的《用户协议》和《隐私政策》' }).check();
    await page.getByRole('button', { name: '同意', exact: true }).click();
    await expectText(page.locator('#consent-saved'), '已记录你的同意，谢谢', 'thanks');
    assert.equal(await notice.isVisible(), false);
    await page.reload();
    await page.getByRole('heading', { name: '个人资料' }).waitFor();
    assert.equal(await notice.isVisible(), false, 'not asked again');
    const later = await exportData({ baseUrl: server.apiBase, headers: cookie });
    assert.deepEqual(later.kind === 'ok' ? later.value.consents.map((c) => c.terms_version) : [], [
      'v2',
      'v1',
    ]);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('“下载我的数据” saves a JSON file of one’s data', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    const phone = newPhone();
    await registerThroughPage(page, server, phone, PASSWORD);
    await page.goto(`${server.origin}/account`);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载我的数据' }).click(),
    ]);
    // Named by the day, never by the internal user id (issue 16).
    assert.match(download.suggestedFilename(), /^medicine-data-\d{4}-\d{2}-\d{2}\.json$/);
    const file = await download.path();
    const data = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      profile: { phone: string };
      consents: unknown[];
      sessions: unknown[];
      audit: { action: string }[];
    };
    assert.equal(data.profile.phone, phone);
    assert.equal(data.consents.length, 1);
    assert.ok(data.sessions.length >= 1);
    assert.ok(data.audit.some((e) => e.action === 'register'));
    await expectText(page.locator('#export-status'), '已开始下载', 'said');
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });

  it('deleting the account takes the password and a ticked confirmation; then the same phone registers again', async () => {
    const tab = await openTab(browser);
    const { page } = tab;
    const phone = newPhone();
    await registerThroughPage(page, server, phone, PASSWORD);
    await page.goto(`${server.origin}/account`);
    await page.getByRole('heading', { name: '注销账号' }).waitFor();
    await expectText(page.locator('#delete-warning'), /无法恢复/, 'a clear warning');
    await assertAccessible(page, 'the account page with deletion');
    await screenshot(page, 'account-delete-375');

    const remove = page.getByRole('button', { name: '永久注销账号' });
    await remove.click();
    await expectError(page, '输入密码以确认', '请输入密码');
    assert.equal(await errorOf(page, '我了解注销后无法恢复'), '请先勾选确认');
    await page.getByLabel('输入密码以确认').fill('wrong password');
    await page.getByRole('checkbox', { name: '我了解注销后无法恢复' }).check();
    await remove.click();
    const confirmation = page.getByRole('dialog', { name: '永久注销账号？' });
    await confirmation.getByRole('button', { name: '永久注销' }).click();
    await expectError(page, '输入密码以确认', '当前密码不正确');
    await assertAccessible(page, 'the deletion refused');

    await page.getByLabel('输入密码以确认').fill(PASSWORD);
    await remove.click();
    await Promise.all([
      page.waitForURL(`${server.origin}/`),
      confirmation.getByRole('button', { name: '永久注销' }).click(),
    ]);
    await expectText(page.locator('#status'), '你的账号已注销，个人信息已删除', 'said on the home page');
    await page.goto(`${server.origin}/account`);
    await page.getByRole('heading', { name: '请先登录' }).waitFor();

    server.clock.advance(61_000); // past the phone's resend window
    await registerThroughPage(page, server, phone, PASSWORD);
    assert.deepEqual(tab.problems, []);
    await tab.close();
  });
});
