import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { ManualClock, systemClock } from '../../src/clock.js';
import type { LightMyRequestResponse } from 'fastify';
import type { App } from '../../src/app.js';
import { connectDatabase } from '../../src/db/connect.js';
import { dialectOf } from '../../src/db/dialect.js';
import { openDatabase } from '../../src/db/open-database.js';
import type { AccountDatabase } from '../../src/db/user-store.js';
import { LEGAL_TEMPLATES_DIR } from '../../src/paths.js';
import { Argon2Hasher } from '../../src/passwords/argon2-hasher.js';
import type { PasswordHasher } from '../../src/passwords/password-hasher.js';
import { AccountEraser } from '../../src/services/account-deletion.js';
import { RetentionJob } from '../../src/services/retention.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { TokenPair } from '../../src/services/tokens.js';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  post,
  sessionCookie,
  startTestApp,
  testConfig,
  TEST_SECRET,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';
import { medicine as runMedicine } from '../helpers/cli.js';

const PASSWORD = 'correct horse';
const DAY = 24 * 3600 * 1000;
const VERSIONS = '2026-12-01,2026-12-01';
const ENV = { SMS_RESEND_SECONDS: '1', SMS_PER_PHONE_PER_HOUR: '50', SMS_PER_PHONE_PER_DAY: '100' };

/** A LEGAL_DIR of our own: both documents at `version`, with `extra` in the Chinese terms. */
function legalDir(version: string, extra = ''): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-legal-'));
  for (const name of ['terms', 'privacy']) {
    for (const language of ['zh', 'en']) {
      const text = fs.readFileSync(path.join(LEGAL_TEMPLATES_DIR, `${name}.${language}.md`), 'utf8');
      const body = text.replace(/^version: .*$/m, `version: ${version}`);
      fs.writeFileSync(
        path.join(dir, `${name}.${language}.md`),
        name === 'terms' && language === 'zh' ? `${body}\n${extra}\n` : body,
      );
    }
  }
  return dir;
}

async function codeFor(app: App, phone: string, purpose = 'register'): Promise<string> {
  const uuid = newUuid();
  const text = await drawCaptcha(app, uuid);
  assertRet(await post(app, '/smsCode', { phone, img_code_client: text, uuid, purpose }), '0');
  return lastSmsCode(app, phone);
}

async function register(
  t: TestApp,
  phone: string,
  extra: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<LightMyRequestResponse> {
  t.clock.advance(2000); // past SMS_RESEND_SECONDS
  const code = await codeFor(t.app, phone);
  return post(
    t.app,
    '/register',
    { phone, phone_code: code, password: PASSWORD, password2: PASSWORD, ...extra },
    { 'user-agent': 'consent-test/1.0', ...headers },
  );
}

const call = (app: App, method: 'GET' | 'DELETE', url: string, session: string, payload?: object) =>
  app.inject({ method, url: `${API}${url}`, cookies: { session }, ...(payload && { payload }) });

const logIn = (app: App, phone: string) => post(app, '/sessions', { phone, password: PASSWORD });

describe('the documents: GET /legal and the filing numbers', () => {
  let t: TestApp;
  const dir = legalDir(
    'v7',
    '<script>alert(1)</script>\n\n[bad](javascript:alert(1)) [good](https://example.cn/)',
  );
  before(async () => {
    t = await startTestApp({
      LEGAL_DIR: dir,
      ICP_FILING: '京ICP备12345678号-1',
      PSB_FILING: '京公网安备11010802012345号',
    });
  });
  after(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the versions in force, what to send as agree, and the filings linked to the official registers', async () => {
    const body = assertRet(await t.app.inject({ method: 'GET', url: `${API}/legal` }), '0');
    assert.deepEqual(body.terms, { version: 'v7', title: '用户协议', url: '/terms' });
    assert.deepEqual(body.privacy, { version: 'v7', title: '隐私政策', url: '/privacy' });
    assert.equal(body.agree, 'v7,v7');
    assert.equal(body.agree_required, false);
    assert.deepEqual(body.filings, {
      icp: { number: '京ICP备12345678号-1', url: 'https://beian.miit.gov.cn/' },
      psb: {
        number: '京公网安备11010802012345号',
        url: 'https://beian.mps.gov.cn/#/query/webSearch?code=11010802012345',
      },
    });
    const english = await t.app.inject({
      method: 'GET',
      url: `${API}/legal`,
      headers: { 'accept-language': 'en' },
    });
    assert.equal((assertRet(english, '0').terms as { title: string }).title, 'User Agreement');
  });

  it('serves each document as HTML in the preferred language; HTML in the Markdown is escaped and unsafe links defused', async () => {
    const zh = assertRet(await t.app.inject({ method: 'GET', url: `${API}/legal/terms` }), '0').document as {
      html: string;
      version: string;
      language: string;
    };
    assert.equal(zh.version, 'v7');
    assert.equal(zh.language, 'zh');
    assert.match(zh.html, /<h1>用户协议<\/h1>/);
    assert.ok(!zh.html.includes('<script>'), 'no raw script tag');
    assert.match(zh.html, /&#60;script&#62;/);
    assert.ok(!zh.html.includes('javascript:'), zh.html);
    assert.match(zh.html, /<a href="https:\/\/example.cn\/">good<\/a>/);
    const en = await t.app.inject({
      method: 'GET',
      url: `${API}/legal/privacy`,
      headers: { 'accept-language': 'en' },
    });
    assert.match((assertRet(en, '0').document as { html: string }).html, /<h1>Privacy Policy<\/h1>/);
    const unknown = await t.app.inject({ method: 'GET', url: `${API}/legal/cookies` });
    assert.equal(json(unknown).re_code, '4103');
  });

  it('without filing numbers the footer has none to show', async () => {
    const plain = await startTestApp();
    try {
      const body = assertRet(await plain.app.inject({ method: 'GET', url: `${API}/legal` }), '0');
      assert.deepEqual(body.filings, { icp: null, psb: null });
    } finally {
      await plain.close();
    }
  });

  it('a translation with another version than its original stops the start-up', async () => {
    const broken = legalDir('v1');
    try {
      const en = path.join(broken, 'privacy.en.md');
      fs.writeFileSync(en, fs.readFileSync(en, 'utf8').replace('version: v1', 'version: v2'));
      await assert.rejects(
        startTestApp({ LEGAL_DIR: broken }),
        /a translation carries its original's version/,
      );
    } finally {
      fs.rmSync(broken, { recursive: true, force: true });
    }
  });
});

function json(response: LightMyRequestResponse): Record<string, unknown> {
  return response.json();
}

describe('consent at registration and after a new version', () => {
  let database: AccountDatabase;
  const v1 = legalDir('v1');
  const v2 = legalDir('v2');
  before(async () => {
    database = await openDatabase(testConfig());
  });
  after(async () => {
    await database.close();
    for (const dir of [v1, v2]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records the versions agreed to, when, from which address and user agent, with the account', async () => {
    const t = await startTestApp({ ...ENV, LEGAL_DIR: v1 }, { database });
    try {
      const phone = newPhone();
      const response = await register(t, phone, { agree: 'v1,v1' });
      assertRet(response, '0');
      const session = sessionCookie(response);
      assert.ok(session);
      const me = assertRet(await whoAmI(t.app, session), '0');
      assert.equal((me.account as { consent_required: boolean }).consent_required, false);
      const data = assertRet(await call(t.app, 'GET', '/users/export', session), '0').data as {
        consents: {
          terms_version: string;
          privacy_version: string;
          ip: string;
          user_agent: string;
          agreed_at: string;
        }[];
      };
      assert.equal(data.consents.length, 1);
      assert.deepEqual(
        { ...data.consents[0], agreed_at: undefined },
        {
          terms_version: 'v1',
          privacy_version: 'v1',
          ip: '127.0.0.1',
          user_agent: 'consent-test/1.0',
          agreed_at: undefined,
        },
      );
      assert.equal(data.consents[0]?.agreed_at, new Date(t.clock.now()).toISOString());
    } finally {
      await t.close();
    }
  });

  it('CONSENT_REQUIRED off: the four-field register still works, and the account is asked to agree', async () => {
    const t = await startTestApp({ ...ENV, LEGAL_DIR: v1 }, { database });
    try {
      const response = await register(t, newPhone());
      assertRet(response, '0');
      const me = assertRet(await whoAmI(t.app, sessionCookie(response)), '0');
      assert.equal((me.account as { consent_required: boolean }).consent_required, true);
    } finally {
      await t.close();
    }
  });

  it('CONSENT_REQUIRED on: no agree is PARAMERR consentMissing and the SMS code stays usable; old versions are consentOutdated', async () => {
    const t = await startTestApp({ ...ENV, LEGAL_DIR: v1, CONSENT_REQUIRED: '1' }, { database });
    try {
      const phone = newPhone();
      t.clock.advance(2000);
      const code = await codeFor(t.app, phone);
      const body = { phone, phone_code: code, password: PASSWORD, password2: PASSWORD };
      const missing = assertRet(await post(t.app, '/register', body), '4103');
      assert.equal(missing.reason, 'consentMissing');
      const outdated = assertRet(await post(t.app, '/register', { ...body, agree: 'v0,v1' }), '4103');
      assert.equal(outdated.reason, 'consentOutdated');
      assertRet(await post(t.app, '/register', { ...body, agree: 'v1,v1' }), '0');
      const legal = assertRet(await t.app.inject({ method: 'GET', url: `${API}/legal` }), '0');
      assert.equal(legal.agree_required, true);
    } finally {
      await t.close();
    }
  });

  it('a new version makes GET /users say consent_required until POST /consents agrees to it', async () => {
    const phone = newPhone();
    const first = await startTestApp({ ...ENV, LEGAL_DIR: v1 }, { database });
    try {
      assertRet(await register(first, phone, { agree: 'v1,v1' }), '0');
    } finally {
      await first.close();
    }
    const t = await startTestApp({ ...ENV, LEGAL_DIR: v2 }, { database });
    try {
      const login = await logIn(t.app, phone);
      assertRet(login, '0');
      const session = sessionCookie(login);
      assert.ok(session);
      const before = assertRet(await whoAmI(t.app, session), '0');
      assert.equal((before.account as { consent_required: boolean }).consent_required, true);
      const agree = (payload: object) =>
        t.app.inject({ method: 'POST', url: `${API}/consents`, cookies: { session }, payload });
      assert.equal(assertRet(await agree({ agree: 'v1,v1' }), '4103').reason, 'consentOutdated');
      assertRet(await agree({ agree: 'v2,v2' }), '0');
      const after = assertRet(await whoAmI(t.app, session), '0');
      assert.equal((after.account as { consent_required: boolean }).consent_required, false);
      assertRet(
        await t.app.inject({ method: 'POST', url: `${API}/consents`, payload: { agree: 'v2,v2' } }),
        '4101',
      );
    } finally {
      await t.close();
    }
  });
});

describe('deleting one’s account', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(ENV);
  });
  after(() => t.close());

  const app = () => t.app;
  const auditOf = async (pseudonym: string) =>
    (await t.app.services.audit.list(null, 0, 200)).items.filter((e) => e.phone === pseudonym);
  const eraser = () => new AccountEraser({} as never, t.clock, TEST_SECRET);

  it('with the password: every session, refresh and access token ends, the data goes, the audit stays pseudonymous, the phone registers again', async () => {
    const phone = newPhone();
    const registered = await register(t, phone, { agree: VERSIONS }, { 'x-client': 'app' });
    const tokens = assertRet(registered, '0').tokens as TokenPair;
    const cookie = sessionCookie(await logIn(app(), phone));
    assert.ok(cookie);
    const id = (assertRet(await whoAmI(app(), cookie), '0').user as { user_id: number }).user_id;

    assert.equal(
      assertRet(await call(app(), 'DELETE', '/users', cookie, { password: 'wrong password' }), '4106').reason,
      'oldPasswordWrong',
    );
    assert.equal(
      assertRet(await call(app(), 'DELETE', '/users', cookie, {}), '4103').reason,
      'deleteProofMissing',
    );
    const deleted = await call(app(), 'DELETE', '/users', cookie, { password: PASSWORD });
    assertRet(deleted, '0');
    assert.equal(deleted.cookies.find((c) => c.name === 'session')?.value, '', 'the cookie is cleared');

    assertRet(await whoAmI(app(), cookie), '4101');
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    assertRet(await app().inject({ method: 'GET', url: `${API}/users`, headers: bearer }), '4101');
    assertRet(await post(app(), '/tokens/refresh', { refresh_token: tokens.refresh_token }), '4101');
    assertRet(await logIn(app(), phone), '4102');
    assert.equal(await t.app.services.consents.consentRequired(id), true, 'no consent left');

    const pseudonym = eraser().pseudonymOf(phone);
    assert.match(pseudonym, /^h:[A-Za-z0-9_-]{22}$/);
    const entries = await auditOf(pseudonym);
    assert.ok(entries.some((e) => e.action === 'register'));
    assert.ok(entries.some((e) => e.action === 'account_delete' && e.detail === 'password; patient'));
    for (const entry of entries) {
      assert.equal(entry.user_id, null);
      assert.equal(entry.ip, null);
      assert.equal(entry.user_agent, null);
    }
    assert.equal((await t.app.services.audit.list(id, 0, 10)).total, 0, 'nothing is filed under the old id');

    const again = await register(t, phone, { agree: VERSIONS });
    const newId = (assertRet(await whoAmI(app(), sessionCookie(again)), '0').user as { user_id: number })
      .user_id;
    assert.notEqual(newId, id);
  });

  it('with an SMS code sent for delete; a code for another purpose is refused', async () => {
    const phone = newPhone();
    const session = sessionCookie(await register(t, phone));
    assert.ok(session);
    t.clock.advance(2000);
    const loginCode = await codeFor(app(), phone, 'login');
    assertRet(await call(app(), 'DELETE', '/users', session, { phone_code: loginCode }), '4002');
    t.clock.advance(2000);
    const code = await codeFor(app(), phone, 'delete');
    assertRet(
      await call(app(), 'DELETE', '/users', session, { phone_code: code, password: PASSWORD }),
      '4103',
    );
    assertRet(await call(app(), 'DELETE', '/users', session, { phone_code: code }), '0');
    assertRet(await logIn(app(), phone), '4102');
  });

  it('an approved doctor leaves the public list at once', async () => {
    const phone = newPhone();
    const session = sessionCookie(await register(t, phone, { types: 'expert' }));
    assert.ok(session);
    const id = (assertRet(await whoAmI(app(), session), '0').user as { user_id: number }).user_id;
    assert.ok((await t.app.services.admin.moderate(null, id, 'approve')).ok);
    assertRet(await app().inject({ method: 'GET', url: `${API}/experts/${id}` }), '0');
    assertRet(await call(app(), 'DELETE', '/users', session, { password: PASSWORD }), '0');
    assertRet(await app().inject({ method: 'GET', url: `${API}/experts/${id}` }), '4002');
    const list = assertRet(await app().inject({ method: 'GET', url: `${API}/experts?count=50` }), '0');
    assert.ok(!(list.data as { user_id: number }[]).some((d) => d.user_id === id));
  });

  it('the last enabled admin cannot delete their account; one of two can', async () => {
    // A database of its own, so that no other test's admins are counted.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-admins-'));
    const own = await startTestApp({ ...ENV, DATABASE_URL: `sqlite:${path.join(dir, 'medicine.db')}` });
    try {
      const admins: string[] = [];
      for (let i = 0; i < 2; i++) {
        const session = sessionCookie(await register(own, newPhone()));
        assert.ok(session);
        const id = (assertRet(await whoAmI(own.app, session), '0').user as { user_id: number }).user_id;
        assert.ok((await own.app.services.admin.setRole(id, 'admin')).ok);
        admins.push(session);
      }
      const [first = '', second = ''] = admins;
      assertRet(await call(own.app, 'DELETE', '/users', first, { password: PASSWORD }), '0');
      const last = assertRet(await call(own.app, 'DELETE', '/users', second, { password: PASSWORD }), '4004');
      assert.equal(last.reason, 'lastAdminDelete');
      assertRet(await whoAmI(own.app, second), '0');
    } finally {
      await own.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('race: DELETE and a login at once leave no session that works, and the phone registers again', async () => {
    for (let round = 0; round < 3; round++) {
      const phone = newPhone();
      const session = sessionCookie(await register(t, phone));
      assert.ok(session);
      const [deleted, login] = await Promise.all([
        call(app(), 'DELETE', '/users', session, { password: PASSWORD }),
        logIn(app(), phone),
      ]);
      assertRet(deleted, '0');
      // The login either lost (no account, or its session could not be stored) or won before the deletion.
      const raced = sessionCookie(login);
      if (raced !== undefined) assertRet(await whoAmI(app(), raced), '4101');
      assertRet(await logIn(app(), phone), '4102');
      assertRet(await register(t, phone), '0');
    }
  });

  it('race: deleting while the refresh token is used leaves no token that works', async () => {
    const phone = newPhone();
    const tokens = assertRet(await register(t, phone, {}, { 'x-client': 'app' }), '0').tokens as TokenPair;
    const bearer = { authorization: `Bearer ${tokens.access_token}` };
    const [deleted, refreshed] = await Promise.all([
      app().inject({
        method: 'DELETE',
        url: `${API}/users`,
        headers: bearer,
        payload: { password: PASSWORD },
      }),
      post(app(), '/tokens/refresh', { refresh_token: tokens.refresh_token }),
    ]);
    assertRet(deleted, '0');
    const pair = json(refreshed).tokens as TokenPair | undefined;
    for (const token of [tokens, ...(pair ? [pair] : [])]) {
      const auth = { authorization: `Bearer ${token.access_token}` };
      assertRet(await app().inject({ method: 'GET', url: `${API}/users`, headers: auth }), '4101');
      assertRet(await post(app(), '/tokens/refresh', { refresh_token: token.refresh_token }), '4101');
    }
  });

  it('two deletions at once: one deletes, the other finds no account', async () => {
    const phone = newPhone();
    const session = sessionCookie(await register(t, phone));
    assert.ok(session);
    const answers = await Promise.all([
      call(app(), 'DELETE', '/users', session, { password: PASSWORD }),
      call(app(), 'DELETE', '/users', session, { password: PASSWORD }),
    ]);
    const codes = answers.map((a) => json(a).re_code).sort();
    assert.equal(codes.filter((c) => c === '0').length, 1, JSON.stringify(codes));
    assert.ok(
      codes.every((c) => c === '0' || c === '4101'),
      JSON.stringify(codes),
    );
    assert.equal(
      (await auditOf(eraser().pseudonymOf(phone))).filter((e) => e.action === 'account_delete').length,
      1,
    );
  });
});

describe('a deletion that fails half-way leaves the whole account', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-atomic-')), 'medicine.db');
  const url = process.env.DATABASE_URL ?? `sqlite:${file}`;
  after(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

  it('the last step of the transaction fails: the account still logs in, keeps its phone, and can be deleted later', async () => {
    const t = await startTestApp({ ...ENV, DATABASE_URL: url });
    const db = await connectDatabase(url);
    const dialect = dialectOf(db);
    // A trigger refuses the deletion's own audit entry: the last statement of the transaction.
    const create =
      dialect === 'sqlite'
        ? [
            sql`CREATE TRIGGER refuse_delete BEFORE INSERT ON audit_log WHEN NEW.action = 'account_delete' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
          ]
        : dialect === 'postgres'
          ? [
              sql`CREATE OR REPLACE FUNCTION refuse_delete() RETURNS trigger AS $$ BEGIN IF NEW.action = 'account_delete' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
              sql`CREATE TRIGGER refuse_delete BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_delete()`,
            ]
          : [
              sql`CREATE TRIGGER refuse_delete BEFORE INSERT ON audit_log FOR EACH ROW BEGIN IF NEW.action = 'account_delete' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END`,
            ];
    const drop =
      dialect === 'postgres'
        ? sql`DROP TRIGGER IF EXISTS refuse_delete ON audit_log`
        : sql`DROP TRIGGER IF EXISTS refuse_delete`;
    try {
      const phone = newPhone();
      const session = sessionCookie(await register(t, phone, { agree: VERSIONS }));
      assert.ok(session);
      await drop.execute(db);
      for (const statement of create) await statement.execute(db);
      try {
        assertRet(await call(t.app, 'DELETE', '/users', session, { password: PASSWORD }), '4001');
      } finally {
        await drop.execute(db);
      }
      assertRet(await whoAmI(t.app, session), '0');
      assertRet(await logIn(t.app, phone), '0');
      assert.equal(
        await t.app.services.consents.consentRequired(
          (assertRet(await whoAmI(t.app, session), '0').user as { user_id: number }).user_id,
        ),
        false,
      );
      assertRet(await call(t.app, 'DELETE', '/users', session, { password: PASSWORD }), '0');
      assertRet(await register(t, phone), '0');
    } finally {
      await db.destroy();
      await t.close();
    }
  });
});

describe('a copy of one’s data: GET /users/export', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(ENV);
  });
  after(() => t.close());

  it('is a JSON download of the profile, consents, sessions and the person’s own audit entries', async () => {
    const phone = newPhone();
    const session = sessionCookie(await register(t, phone, { agree: VERSIONS }));
    assert.ok(session);
    const other = sessionCookie(await register(t, newPhone()));
    assert.ok(other);
    const response = await call(t.app, 'GET', '/users/export', session);
    const body = assertRet(response, '0');
    assert.match(
      String(response.headers['content-disposition']),
      /^attachment; filename="medicine-data-\d+\.json"$/,
    );
    assert.equal(response.headers['cache-control'], 'no-store');
    const data = body.data as {
      profile: { phone: string; role: string; created_at: string };
      consents: unknown[];
      sessions: { current: boolean }[];
      audit: { action: string; user_id: number }[];
    };
    assert.equal(data.profile.phone, phone);
    assert.equal(data.profile.role, 'user');
    assert.equal(data.consents.length, 1);
    assert.equal(data.sessions.length, 1);
    assert.equal(data.sessions[0]?.current, true);
    assert.ok(data.audit.some((e) => e.action === 'register'));
    const id = (assertRet(await whoAmI(t.app, session), '0').user as { user_id: number }).user_id;
    assert.ok(
      data.audit.every((e) => e.user_id === id),
      'nobody else’s entries',
    );
    const later = assertRet(await call(t.app, 'GET', '/users/export', session), '0').data as typeof data;
    assert.ok(
      later.audit.some((e) => e.action === 'data_export'),
      'the export is itself audited',
    );
    assertRet(await t.app.inject({ method: 'GET', url: `${API}/users/export` }), '4101');
  });
});

describe('retention: expired sessions and old audit entries are purged, one instance at a time', () => {
  it('purges what outlived its time, and a second runner finds the lock taken', async () => {
    // The account lives two days in the past, so that the purge (a day's retention, now) takes
    // its entries and session and nothing of the tests that share the database.
    const database = await openDatabase(testConfig());
    const past = new ManualClock(Date.now() - 2 * DAY);
    const t = await startTestApp(ENV, { database, clock: past });
    try {
      const phone = newPhone();
      const registered = await post(t.app, '/register', {
        phone,
        phone_code: await codeFor(t.app, phone),
        password: PASSWORD,
        password2: PASSWORD,
      });
      assertRet(registered, '0');
      const session = sessionCookie(registered);
      assert.ok(session);
      const id = (assertRet(await whoAmI(t.app, session), '0').user as { user_id: number }).user_id;
      assert.ok((await t.app.services.audit.list(id, 0, 10)).total > 0);

      const store = new MemoryStore(systemClock);
      const week = new RetentionJob(database, systemClock, 7);
      const kept = await week.purgeIfFirst(store);
      assert.ok(kept !== null && kept.sessions >= 1, 'the session expired two days ago: gone');
      assert.deepEqual(await database.listSessions(id, 0), []);
      assert.ok((await t.app.services.audit.list(id, 0, 10)).total > 0, 'younger than a week: kept');

      const day = new RetentionJob(database, systemClock, 1);
      const [one, two] = await Promise.all([day.purgeIfFirst(store), day.purgeIfFirst(store)]);
      assert.ok((one === null) !== (two === null), 'exactly one ran');
      const purged = one ?? two;
      assert.ok(purged !== null && purged.auditEntries >= 1, JSON.stringify(purged));
      assert.equal((await t.app.services.audit.list(id, 0, 10)).total, 0, 'older than a day: gone');
      assert.ok((await day.purgeIfFirst(store)) !== null, 'the lock is given back');
      await store.close();
    } finally {
      await t.close();
      await database.close();
    }
  });
});

describe('npx medicine user delete and purge', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-cli-delete-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const medicine = (args: string[]) => runMedicine(args, { DATA_DIR: dir, MEDICINE_SECRET: TEST_SECRET });

  it('deletes an account named by phone (only with --yes), leaving its audit pseudonymous, and purges', async () => {
    const url = `sqlite:${path.join(dir, 'medicine.db')}`;
    const t = await startTestApp({ ...ENV, DATABASE_URL: url });
    const phone = newPhone();
    try {
      assertRet(await register(t, phone), '0');
    } finally {
      await t.close();
    }
    const refused = medicine(['user', 'delete', phone]);
    assert.equal(refused.code, 2, refused.stderr);
    const run = medicine(['user', 'delete', phone, '--yes', '--json']);
    assert.equal(run.code, 0, run.stderr);
    const pseudonym = new AccountEraser({} as never, t.clock, TEST_SECRET).pseudonymOf(phone);
    assert.equal(JSON.parse(run.stdout).pseudonym, pseudonym);
    const shown = medicine(['user', 'show', phone]);
    assert.equal(shown.code, 1);
    const tail = medicine(['audit', 'tail', '--json']);
    const entries = JSON.parse(tail.stdout) as { phone: string; action: string; detail: string }[];
    assert.ok(
      entries.some(
        (e) => e.phone === pseudonym && e.action === 'account_delete' && e.detail === 'command_line; patient',
      ),
    );
    const purge = medicine(['purge', '--json']);
    assert.equal(purge.code, 0, purge.stderr);
    assert.deepEqual(Object.keys(JSON.parse(purge.stdout)).sort(), [
      'auditEntries',
      'deviceMarks',
      'sessions',
    ]);
  });
});

describe('a deletion racing a login', () => {
  it('the login, judged right before the account went, is refused with SESSIONERR accountGone, not DBERR, and leaves no session', async () => {
    // A hasher that holds the next verification until the test lets it go.
    const real = new Argon2Hasher();
    let hold: { reached: () => void; go: Promise<void> } | null = null;
    const gated: PasswordHasher = {
      hash: (password) => real.hash(password),
      verify: async (hash, password) => {
        const verdict = await real.verify(hash, password);
        const gate = hold;
        hold = null;
        if (gate) {
          gate.reached();
          await gate.go;
        }
        return verdict;
      },
    };
    const t = await startTestApp(ENV, { passwordHasher: gated });
    try {
      const phone = newPhone();
      const session = sessionCookie(await register(t, phone));
      assert.ok(session);
      let reached!: () => void;
      let go!: () => void;
      const atGate = new Promise<void>((resolve) => (reached = resolve));
      hold = { reached, go: new Promise<void>((resolve) => (go = resolve)) };
      const login = post(t.app, '/sessions', { phone, password: PASSWORD });
      await atGate; // the login's password is judged right; its session is not yet written
      assertRet(await call(t.app, 'DELETE', '/users', session, { password: PASSWORD }), '0');
      go();
      const refused = assertRet(await login, '4101');
      assert.equal(refused.reason, 'accountGone');
      assert.ok(String(refused.msg).length > 0);
      assert.equal((await login).headers['set-cookie'], undefined, 'no session cookie');
      // The phone is free again: a new account can be opened with it.
      assertRet(await register(t, phone), '0');
    } finally {
      await t.close();
    }
  });
});
