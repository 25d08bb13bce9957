import { after, before, describe, it } from 'node:test';
import { API, assertRet, newPhone, registerAccount, startTestApp, type TestApp } from '../helpers/app.js';

describe('the Origin rule', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ALLOWED_ORIGINS: 'https://app.example.cn' });
  });
  after(() => t.close());

  const logIn = (origin?: string, app = t.app, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      payload: { phone: newPhone(), password: 'password1' },
      headers: { host: '127.0.0.1:5000', ...(origin === undefined ? {} : { origin }), ...headers },
    });

  it('refuses a state-changing request from another site with REQERR', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:5001', 'null', 'not a url']) {
      assertRet(await logIn(origin), '4201');
    }
  });

  it('compares scheme and port too: the same host over https, or on another port, is another site', async () => {
    for (const origin of [
      'https://127.0.0.1:5000',
      'https://127.0.0.1',
      'http://127.0.0.1',
      'http://127.0.0.1:80',
      'ftp://127.0.0.1:5000',
      'javascript://127.0.0.1:5000',
    ]) {
      assertRet(await logIn(origin), '4201');
    }
  });

  it('a default port is the same origin written with or without it', async () => {
    assertRet(await logIn('http://127.0.0.1:80', t.app, { host: '127.0.0.1' }), '4102');
    assertRet(await logIn('http://127.0.0.1', t.app, { host: '127.0.0.1:80' }), '4102');
    assertRet(await logIn('HTTP://127.0.0.1:5000'), '4102');
  });

  it('X-Forwarded-Proto names the scheme only when the proxy is trusted', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    // Untrusted: the header is the client's claim, and the connection is plain http.
    assertRet(await logIn('https://127.0.0.1:5000', t.app, https), '4201');
    const behindProxy = await startTestApp({ TRUST_PROXY: '127.0.0.1' });
    try {
      assertRet(await logIn('https://127.0.0.1:5000', behindProxy.app, https), '4102');
      assertRet(await logIn('http://127.0.0.1:5000', behindProxy.app, https), '4201');
      // A trusted proxy that names the public host: the browser's Origin is that host.
      const publicHost = { ...https, 'x-forwarded-host': 'medicine.example.cn' };
      assertRet(await logIn('https://medicine.example.cn', behindProxy.app, publicHost), '4102');
      assertRet(await logIn('https://127.0.0.1:5000', behindProxy.app, publicHost), '4201');
    } finally {
      await behindProxy.close();
    }
  });

  it('an allowed origin matches however it is written', async () => {
    assertRet(await logIn('https://app.example.cn:443'), '4102');
    assertRet(await logIn('http://app.example.cn'), '4201');
  });

  it("lets the server's own origin, a configured origin, and requests without Origin through", async () => {
    assertRet(await logIn('http://127.0.0.1:5000'), '4102');
    assertRet(await logIn('https://app.example.cn'), '4102');
    assertRet(await logIn(undefined), '4102');
  });

  it('refuses a cross-site logout, so a foreign page cannot end a session', async () => {
    const session = await registerAccount(t.app, newPhone());
    const response = await t.app.inject({
      method: 'DELETE',
      url: `${API}/sessions`,
      cookies: { session },
      headers: { origin: 'https://evil.example' },
    });
    assertRet(response, '4201');
    assertRet(await t.app.inject({ method: 'GET', url: `${API}/users`, cookies: { session } }), '0');
  });

  it('does not apply to reads', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: `${API}/users`,
      headers: { origin: 'https://evil.example' },
    });
    assertRet(response, '4101');
  });
});
