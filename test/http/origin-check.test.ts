import { after, before, describe, it } from 'node:test';
import { API, assertRet, newPhone, registerAccount, startTestApp, type TestApp } from '../helpers/app.js';

describe('the Origin rule', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ALLOWED_ORIGINS: 'https://app.example.cn' });
  });
  after(() => t.close());

  const logIn = (origin?: string) =>
    t.app.inject({
      method: 'POST',
      url: `${API}/sessions`,
      payload: { phone: newPhone(), password: 'password1' },
      headers: { host: '127.0.0.1:5000', ...(origin === undefined ? {} : { origin }) },
    });

  it('refuses a state-changing request from another site with REQERR', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:5001', 'null', 'not a url']) {
      assertRet(await logIn(origin), '4201');
    }
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
