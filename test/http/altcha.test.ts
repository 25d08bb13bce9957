import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { buildApp, type App } from '../../src/app.js';
import type { KeyValueStore } from '../../src/store/key-value-store.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { RedisStore } from '../../src/store/redis-store.js';
import { systemClock } from '../../src/clock.js';
import {
  API,
  assertRet,
  drawCaptcha,
  lastSmsCode,
  newPhone,
  newUuid,
  post,
  registerAccount,
  startTestApp,
  testConfig,
  type TestApp,
} from '../helpers/app.js';

interface ChallengeReply {
  re_code: string;
  parameters: Challenge['parameters'] & { data: { level: number } };
  signature: string;
}

let addressCounter = 0;
/** A client address of its own, so that one test's counters do not raise another's difficulty. */
function newAddress(): string {
  addressCounter += 1;
  return `198.18.${Math.floor(addressCounter / 250)}.${(addressCounter % 250) + 1}`;
}

async function fetchChallenge(app: App, address = newAddress()): Promise<ChallengeReply> {
  const response = await app.inject({ method: 'GET', url: `${API}/altcha`, remoteAddress: address });
  return assertRet(response, '0') as unknown as ChallengeReply;
}

/** Solves a challenge with altcha-lib's own solver and encodes it as the widget does. */
async function solve(reply: ChallengeReply): Promise<string> {
  const challenge = { parameters: reply.parameters, signature: reply.signature };
  const solution = await solveChallenge({ challenge, deriveKey });
  assert.ok(solution, 'solved');
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
}

const smsCode = (app: App, body: Record<string, string>, address = newAddress()) =>
  app.inject({ method: 'POST', url: `${API}/smsCode`, payload: body, remoteAddress: address });

interface Decoded {
  challenge: { parameters: { data: { level: number }; expiresAt: number } };
  solution: { counter: number; derivedKey: string };
}

function edit(payload: string, change: (decoded: Decoded) => void): string {
  const decoded = JSON.parse(Buffer.from(payload, 'base64').toString()) as Decoded;
  change(decoded);
  return Buffer.from(JSON.stringify(decoded)).toString('base64');
}

describe('ALTCHA proof of work (issue 12, point 4)', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it("GET /altcha answers a signed challenge in altcha-lib's format, expiring with IMAGE_CODE_TTL_SECONDS", async () => {
    const reply = await fetchChallenge(t.app);
    const p = reply.parameters;
    assert.equal(p.algorithm, 'PBKDF2/SHA-256');
    assert.match(p.nonce, /^[0-9a-f]{32}$/);
    assert.match(p.salt, /^[0-9a-f]{32}$/);
    assert.match(p.keyPrefix, /^[0-9a-f]+$/);
    assert.match(p.keySignature ?? '', /^[0-9a-f]{64}$/);
    assert.match(reply.signature, /^[0-9a-f]{64}$/);
    assert.ok(p.cost > 0);
    assert.equal(p.data.level, 0);
    assert.equal(p.expiresAt, Math.floor(t.clock.now() / 1000) + 300);
  });

  it('a solved challenge buys an SMS code, as the image captcha does', async () => {
    const phone = newPhone();
    const payload = await solve(await fetchChallenge(t.app));
    assertRet(await smsCode(t.app, { phone, altcha: payload }), '0');
    assert.match(await lastSmsCode(t.app, phone), /^\d{6}$/);
  });

  it('one solution, one SMS attempt: used again it is NODATA', async () => {
    const payload = await solve(await fetchChallenge(t.app));
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }), '0');
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }), '4002');
  });

  it('50 uses of one solution at once: exactly one passes', async () => {
    const payload = await solve(await fetchChallenge(t.app));
    const replies = await Promise.all(
      Array.from({ length: 50 }, () => smsCode(t.app, { phone: newPhone(), altcha: payload })),
    );
    const codes = replies.map((r) => (r.json() as { re_code: string }).re_code);
    assert.equal(codes.filter((c) => c === '0').length, 1, codes.join(','));
    assert.equal(codes.filter((c) => c === '4002').length, 49, codes.join(','));
  });

  it('an expired challenge is NODATA, even solved', async () => {
    const payload = await solve(await fetchChallenge(t.app));
    t.clock.advance(301_000);
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }), '4002');
  });

  it('a wrong solution is DATAERR', async () => {
    const payload = await solve(await fetchChallenge(t.app));
    const wrong = edit(payload, (d) => {
      d.solution.counter += 1;
      d.solution.derivedKey = d.solution.derivedKey.replace(/^./, (c: string) => (c === '0' ? '1' : '0'));
    });
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: wrong }), '4004');
  });

  it('an edited challenge (an easier level, a later expiry) is DATAERR: the signature covers them', async () => {
    const payload = await solve(await fetchChallenge(t.app));
    const easier = edit(payload, (d) => {
      d.challenge.parameters.data.level = -1;
    });
    const later = edit(payload, (d) => {
      d.challenge.parameters.expiresAt += 3600;
    });
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: easier }), '4004');
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: later }), '4004');
    // Neither spent the genuine one.
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }), '0');
  });

  it('a payload that is not the widget’s base64 JSON is DATAERR; one over 4096 characters PARAMERR', async () => {
    for (const altcha of ['not base64 at all', Buffer.from('{"challenge":1}').toString('base64'), 'e30=']) {
      assertRet(await smsCode(t.app, { phone: newPhone(), altcha }), '4004');
    }
    assertRet(await smsCode(t.app, { phone: newPhone(), altcha: 'A'.repeat(4097) }), '4103');
  });

  it('a challenge signed with another secret is DATAERR', async () => {
    const other = await startTestApp({ MEDICINE_SECRET: 'another-secret-another-secret-0123456789' });
    try {
      const payload = await solve(await fetchChallenge(other.app));
      assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }), '4004');
    } finally {
      await other.close();
    }
  });

  it('exactly one way past the robots: neither or both is PARAMERR, before anything is spent', async () => {
    const uuid = newUuid();
    const text = await drawCaptcha(t.app, uuid);
    const payload = await solve(await fetchChallenge(t.app));
    const phone = newPhone();
    assertRet(await smsCode(t.app, { phone }), '4103');
    assertRet(await smsCode(t.app, { phone, uuid, img_code_client: text, altcha: payload }), '4103');
    assertRet(await smsCode(t.app, { phone, uuid, altcha: payload }), '4103');
    // Both are still good.
    assertRet(await smsCode(t.app, { phone, altcha: payload }), '0');
    assertRet(await smsCode(t.app, { phone: newPhone(), uuid, img_code_client: text }), '0');
  });

  it('the rule order is unchanged: the proof is checked before the phone is looked up', async () => {
    const phone = newPhone();
    await registerAccount(t.app, phone);
    const forged = edit(await solve(await fetchChallenge(t.app)), (d) => {
      d.challenge.parameters.data.level = 0.5;
    });
    assertRet(await smsCode(t.app, { phone, altcha: forged }), '4004');
    assertRet(await smsCode(t.app, { phone, altcha: await solve(await fetchChallenge(t.app)) }), '4003');
    t.clock.advance(61_000); // past the resend window of the sign-up code
    const reset = await smsCode(t.app, {
      phone,
      purpose: 'reset',
      altcha: await solve(await fetchChallenge(t.app)),
    });
    assertRet(reset, '0');
  });

  it('difficulty rises with the SMS sent from the address, and not for another address', async () => {
    const busy = newAddress();
    assert.equal((await fetchChallenge(t.app, busy)).parameters.data.level, 0);
    for (let i = 0; i < 6; i++) {
      const payload = await solve(await fetchChallenge(t.app, newAddress()));
      assertRet(await smsCode(t.app, { phone: newPhone(), altcha: payload }, busy), '0');
    }
    assert.equal((await fetchChallenge(t.app, busy)).parameters.data.level, 2);
    assert.equal((await fetchChallenge(t.app, newAddress())).parameters.data.level, 0);
  });

  it('difficulty rises with the challenges one address fetches', async () => {
    const address = newAddress();
    const levels: number[] = [];
    for (let i = 0; i < 30; i++) levels.push((await fetchChallenge(t.app, address)).parameters.data.level);
    assert.equal(levels[0], 0);
    assert.equal(levels.at(-1), 2);
    assert.deepEqual(
      [...levels].sort((a, b) => a - b),
      levels,
      'never falls',
    );
  });

  it('challenges per address per minute: past CAPTCHA_PER_IP_PER_MINUTE, IPERR with Retry-After', async () => {
    const limited = await startTestApp({ CAPTCHA_PER_IP_PER_MINUTE: '3' });
    try {
      const address = newAddress();
      for (let i = 0; i < 3; i++) await fetchChallenge(limited.app, address);
      const refused = await limited.app.inject({
        method: 'GET',
        url: `${API}/altcha`,
        remoteAddress: address,
      });
      assertRet(refused, '4202');
      assert.ok(Number(refused.headers['retry-after']) <= 60);
      limited.clock.advance(60_000);
      await fetchChallenge(limited.app, address);
    } finally {
      await limited.close();
    }
  });
});

describe('the SMS budget (issue 12, point 3)', () => {
  it('difficulty rises for everyone as the global budget is spent', async () => {
    const t = await startTestApp({ SMS_GLOBAL_PER_HOUR: '8', SMS_REGISTER_SHARE: '1' });
    try {
      const levels: number[] = [];
      for (let i = 0; i < 8; i++) {
        levels.push((await fetchChallenge(t.app)).parameters.data.level);
        const uuid = newUuid();
        const text = await drawCaptcha(t.app, uuid);
        assertRet(await post(t.app, '/smsCode', { phone: newPhone(), uuid, img_code_client: text }), '0');
      }
      levels.push((await fetchChallenge(t.app)).parameters.data.level);
      // Spent 0, 1, …, 8 of 8: level ⌊8 × share⌋ − 3 from half on.
      assert.deepEqual(levels, [0, 0, 0, 0, 1, 2, 3, 4, 5]);
    } finally {
      await t.close();
    }
  });

  it('with SMS_GLOBAL_PER_HOUR=20, sign-up codes stop at 16 while a reset code to an existing account is still sent', async () => {
    const t = await startTestApp({ SMS_GLOBAL_PER_HOUR: '20' });
    try {
      const withCaptcha = async (phone: string, purpose = 'register') => {
        const uuid = newUuid();
        const text = await drawCaptcha(t.app, uuid);
        return post(t.app, '/smsCode', { phone, uuid, img_code_client: text, purpose });
      };
      const member = newPhone();
      await registerAccount(t.app, member); // sign-up code 1
      for (let i = 2; i <= 16; i++) assertRet(await withCaptcha(newPhone()), '0');
      const refused = await withCaptcha(newPhone());
      assertRet(refused, '4201');
      assert.ok(Number(refused.headers['retry-after']) > 0);
      t.clock.advance(61_000); // past the resend window of the member's sign-up code
      assertRet(await withCaptcha(member, 'reset'), '0');
      assertRet(await withCaptcha(member, 'login'), '4201'); // the resend window, not the budget
      t.clock.advance(3600_000);
      assertRet(await withCaptcha(newPhone()), '0');
    } finally {
      await t.close();
    }
  });
});

describe('ALTCHA across instances sharing one store', () => {
  let store: KeyValueStore;
  let apps: App[];
  before(async () => {
    const config = testConfig();
    store =
      config.redisUrl === undefined
        ? new MemoryStore(systemClock)
        : await RedisStore.connect({
            url: config.redisUrl,
            keyPrefix: config.redisKeyPrefix,
            commandTimeoutMs: 2000,
            connectTimeoutMs: 2000,
          });
    apps = await Promise.all([
      buildApp(config, { keyValueStore: store }),
      buildApp(config, { keyValueStore: store }),
    ]);
  });
  after(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await store.close();
  });

  it('a solution accepted by one instance is refused by the other; 50 at once over both: exactly one passes', async () => {
    const [a, b] = apps as [App, App];
    const first = await solve(await fetchChallenge(a));
    assertRet(await smsCode(a, { phone: newPhone(), altcha: first }), '0');
    assertRet(await smsCode(b, { phone: newPhone(), altcha: first }), '4002');

    const second = await solve(await fetchChallenge(b));
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        smsCode(i % 2 === 0 ? a : b, { phone: newPhone(), altcha: second }),
      ),
    );
    const codes = replies.map((r) => (r.json() as { re_code: string }).re_code);
    assert.equal(codes.filter((c) => c === '0').length, 1, codes.join(','));
  });
});
