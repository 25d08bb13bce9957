import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildApp, type App } from '../../src/app.js';
import { medicine, medicineInBackground } from '../helpers/cli.js';
import { API, newPhone, registerAccount, testConfig } from '../helpers/app.js';

const METRICS_TOKEN = 'session-cache-metrics-token';

/**
 * Issue 18: the session cache on the embedded defaults (a SQLite file, the in-process store),
 * where no Redis carries invalidations: another process's write to the file (the CLI) is
 * learnt from SQLite's change counter on the next request, not after the cache's minute.
 */
describe('the session cache over a SQLite file, without Redis', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-session-cache-'));
  let app: App;
  before(async () => {
    app = await buildApp(
      testConfig({
        DATA_DIR: dataDir,
        DATABASE_URL: `sqlite:${path.join(dataDir, 'medicine.db')}`,
        REDIS_URL: '',
        // A minute: a refusal that comes at all came from the invalidation, not from age.
        SESSION_CACHE_SECONDS: '60',
        METRICS_TOKEN,
      }),
    );
  });
  after(async () => {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const whoAmI = async (session: string) => {
    const response = await app.inject({ method: 'GET', url: `${API}/users`, cookies: { session } });
    return response.json() as {
      re_code: string;
      user?: { name: string };
      account?: { consent_required: boolean };
    };
  };
  const lookups = async () => {
    const text = (
      await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).body;
    const count = (outcome: string) =>
      Number(
        new RegExp(`medicine_session_cache_lookups_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ??
          0,
      );
    return { hit: count('hit'), miss: count('miss') };
  };

  it('answers repeated GET /users from the cache (counted in /metrics)', async () => {
    const session = await registerAccount(app, newPhone());
    const before = await lookups();
    for (let i = 0; i < 5; i += 1) assert.equal((await whoAmI(session)).re_code, '0');
    const after = await lookups();
    assert.ok(after.hit - before.hit >= 4, `hits ${before.hit} → ${after.hit}`);
  });

  it('a session cached by the server is refused at once after `medicine user disable` in another process', async () => {
    const phone = newPhone();
    const session = await registerAccount(app, phone);
    assert.equal((await whoAmI(session)).re_code, '0');
    assert.equal((await whoAmI(session)).re_code, '0', 'cached now');
    assert.equal(medicine(['user', 'disable', phone], { DATA_DIR: dataDir }).code, 0);
    assert.equal((await whoAmI(session)).re_code, '4101', 'refused on the very next request');
    assert.equal(medicine(['user', 'enable', phone], { DATA_DIR: dataDir }).code, 0);
    assert.equal((await whoAmI(session)).re_code, '4101', 'disabling ended the session for good');
  });

  it('under load (16 loops asking who they are), nothing begun after `medicine user disable` returned is let in', async () => {
    const phone = newPhone();
    const session = await registerAccount(app, phone);
    assert.equal((await whoAmI(session)).re_code, '0');
    let disabledAt = Number.POSITIVE_INFINITY;
    let stop = false;
    let answered = 0;
    const lateAnswers: string[] = [];
    const loop = async () => {
      while (!stop) {
        const started = performance.now();
        const code = (await whoAmI(session)).re_code;
        answered += 1;
        if (started > disabledAt && code !== '4101') lateAnswers.push(code);
        // A turn of the event loop for the CLI's exit to be noticed.
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const loops = Array.from({ length: 16 }, loop);
    await medicineInBackground(['user', 'disable', phone], { DATA_DIR: dataDir });
    disabledAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 200));
    stop = true;
    await Promise.all(loops);
    assert.ok(answered > 100, `the loops ran (${answered} answers)`);
    assert.deepEqual(lateAnswers, [], 'a request begun after the CLI had disabled the account was let in');
  });

  it('the server’s own writes show at once: a new name, a consent, a logout', async () => {
    const session = await registerAccount(app, newPhone());
    assert.equal((await whoAmI(session)).re_code, '0');
    const renamed = await app.inject({
      method: 'PUT',
      url: `${API}/users`,
      cookies: { session },
      payload: { name: '缓存测试' },
    });
    assert.equal(renamed.json<{ re_code: string }>().re_code, '0');
    assert.equal((await whoAmI(session)).user?.name, '缓存测试');
    // Registered without agreeing (no CONSENT_REQUIRED): GET /users asks for the consent until it is given.
    assert.equal((await whoAmI(session)).account?.consent_required, true);
    const legal = (await app.inject({ url: `${API}/legal` })).json<{ agree: string }>();
    const agreed = await app.inject({
      method: 'POST',
      url: `${API}/consents`,
      cookies: { session },
      payload: { agree: legal.agree },
    });
    assert.equal(agreed.json<{ re_code: string }>().re_code, '0');
    assert.equal((await whoAmI(session)).account?.consent_required, false);
    const out = await app.inject({ method: 'DELETE', url: `${API}/sessions`, cookies: { session } });
    assert.equal(out.json<{ re_code: string }>().re_code, '0');
    assert.equal((await whoAmI(session)).re_code, '4101');
  });
});
