import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { startFakeWeChat, wechatEnv, type FakeWeChat } from '../mini-programs/fakes/wechat.js';
import { sessionCookie } from './flows.js';
import {
  buildPagesIfStale,
  expectText,
  launchBrowser,
  newPhone,
  openTab,
  registerThroughPage,
  startServer,
  type Server,
} from './support.js';

describe('the account page’s linked logins (issue 17)', () => {
  let wechat: FakeWeChat;
  let server: Server;
  let browser: Browser;
  before(async () => {
    buildPagesIfStale();
    wechat = await startFakeWeChat();
    server = await startServer(wechatEnv(wechat.origin));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await wechat?.close();
  });

  it('lists the WeChat linked from the mini program, and unlinks it', async () => {
    const { page } = await openTab(browser);
    await registerThroughPage(page, server, newPhone(), 'correct horse');
    // Linking happens inside the mini program: here, through the API with this browser's session.
    const linked = await fetch(`${server.apiBase}/users/links/wechat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await sessionCookie(page)) },
      body: JSON.stringify({ code: wechat.loginCode().code }),
    });
    assert.equal(((await linked.json()) as { re_code: string }).re_code, '0');
    await page.goto(`${server.origin}/account`);
    const item = page.locator('#links li[data-provider="wechat"]');
    await expectText(item.locator('.item-title'), '微信', 'the linked platform');
    // Unlinking asks first, in the page: cancelled, WeChat stays linked.
    await item.getByRole('button', { name: '解绑' }).click();
    const confirmation = page.getByRole('dialog', { name: '解绑微信？' });
    await confirmation.getByRole('button', { name: '取消' }).click();
    assert.equal(await confirmation.isVisible(), false);
    assert.equal(await item.count(), 1, 'still linked');
    const links = async () =>
      (
        (await (await fetch(`${server.apiBase}/users`, { headers: await sessionCookie(page) })).json()) as {
          links: unknown[];
        }
      ).links.length;
    assert.equal(await links(), 1, 'nothing unlinked on the server');
    await item.getByRole('button', { name: '解绑' }).click();
    await expectText(confirmation.locator('#confirm-text'), /不能再用微信登录/, 'what unlinking does');
    await confirmation.getByRole('button', { name: '解绑' }).click();
    await expectText(page.locator('#links-status'), '已解绑', 'the outcome');
    assert.equal(await links(), 0, 'unlinked on the server');
    await expectText(
      page.locator('#links'),
      '尚未绑定微信或支付宝（在小程序中登录即可绑定）',
      'nothing linked',
    );
  });
});
