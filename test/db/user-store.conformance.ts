import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AccountDatabase, NewSession, NewUser, Session } from '../../src/db/user-store.js';
import { StorageError } from '../../src/store/key-value-store.js';
import { newPhone } from '../helpers/app.js';

/** What the shared suite needs to know about one adapter. */
export interface AccountDatabaseUnderTest {
  /** The adapter's name, as the test report shows it. */
  name: string;
  /**
   * The database, schema up to date. It may be shared with other test processes running
   * at the same time: the suite uses phones and session ids of its own and never assumes
   * that a table is empty.
   */
  open(): Promise<AccountDatabase>;
}

const CALLERS = 50;
// Past 2^32 ms, so that a 32-bit column or a BIGINT read back as a string would show.
const NOW = Date.UTC(2026, 0, 1, 8, 30, 0, 123);
const HOUR = 3600_000;

const idHash = (): string => randomBytes(32).toString('hex');

function newUser(phone = newPhone(), overrides: Partial<NewUser> = {}): NewUser {
  return {
    phone,
    passwordHash: `$argon2id$fake$${phone}`,
    name: phone,
    types: 'patient',
    createdAt: NOW,
    ...overrides,
  };
}

function newSession(overrides: Partial<NewSession> = {}): NewSession {
  return {
    idHash: idHash(),
    createdAt: NOW,
    lastUsedAt: NOW,
    expiresAt: NOW + HOUR,
    ip: '203.0.113.7',
    userAgent: 'conformance/1.0',
    ...overrides,
  };
}

/**
 * The account database port's contract, as node:test tests. Every adapter (and every SQL
 * database the SQL adapter speaks) runs it; a backend is done when it passes.
 */
export function accountDatabaseConformance(subject: AccountDatabaseUnderTest): void {
  describe(`AccountDatabase conformance: ${subject.name}`, () => {
    let db: AccountDatabase;
    before(async () => {
      db = await subject.open();
    });
    after(() => db.close());

    it('answers a ping', async () => {
      await db.ping();
    });

    it('createUser returns the user, and every finder returns the same user with numbers as numbers', async () => {
      const phone = newPhone();
      const created = await db.createUser(newUser(phone, { types: 'expert' }), newSession());
      assert.ok(created);
      assert.equal(typeof created.id, 'number');
      assert.ok(Number.isInteger(created.id) && created.id > 0);
      const expected = {
        id: created.id,
        phone,
        passwordHash: `$argon2id$fake$${phone}`,
        name: phone,
        types: 'expert',
        avatarUrl: null,
        age: null,
        address: null,
        createdAt: NOW,
      };
      assert.deepEqual(created, expected);
      assert.deepEqual(await db.findUserByPhone(phone), expected);
      assert.deepEqual(await db.findUserById(created.id), expected);
      assert.equal(await db.phoneExists(phone), true);
    });

    it('finders answer null or false for what does not exist', async () => {
      assert.equal(await db.findUserByPhone(newPhone()), null);
      assert.equal(await db.findUserById(2_000_000_000), null);
      assert.equal(await db.phoneExists(newPhone()), false);
      assert.equal(await db.findLiveSession(idHash(), NOW), null);
    });

    it('each user gets its own id', async () => {
      const a = await db.createUser(newUser(), newSession());
      const b = await db.createUser(newUser(), newSession());
      assert.ok(a && b);
      assert.notEqual(a.id, b.id);
    });

    it('createUser of a registered phone returns null and writes nothing, not even its session', async () => {
      const phone = newPhone();
      const first = await db.createUser(newUser(phone), newSession());
      assert.ok(first);
      const second = newSession();
      assert.equal(await db.createUser(newUser(phone, { name: 'someone else' }), second), null);
      assert.equal((await db.findUserByPhone(phone))?.name, phone, 'the first account is untouched');
      assert.equal(await db.findLiveSession(second.idHash, NOW), null);
    });

    it(`the database enforces one account per phone: ${CALLERS} concurrent createUser, exactly one user`, async () => {
      const phone = newPhone();
      const sessions = Array.from({ length: CALLERS }, () => newSession());
      const results = await Promise.all(sessions.map((session) => db.createUser(newUser(phone), session)));
      const created = results.filter((user) => user !== null);
      assert.equal(created.length, 1, 'one winner');
      assert.equal(results.filter((user) => user === null).length, CALLERS - 1, 'the rest get null');
      assert.equal((await db.findUserByPhone(phone))?.id, created[0]!.id);
      const live = await Promise.all(sessions.map((session) => db.findLiveSession(session.idHash, NOW)));
      const liveSessions = live.filter((session) => session !== null);
      assert.equal(liveSessions.length, 1, "only the winner's first session exists");
      assert.equal(liveSessions[0]!.userId, created[0]!.id);
    });

    it('createUser writes the user and its first session in one transaction: a failing session leaves no user', async () => {
      const taken = newSession();
      assert.ok(await db.createUser(newUser(), taken));
      const phone = newPhone();
      // The session id is already in use, so the second insert of the transaction fails.
      await assert.rejects(db.createUser(newUser(phone), { ...taken, ip: null }), StorageError);
      assert.equal(await db.findUserByPhone(phone), null, 'the user insert was rolled back');
      assert.equal(await db.phoneExists(phone), false);
      // The phone is still free.
      assert.ok(await db.createUser(newUser(phone), newSession()));
    });

    it('the first session is found live, with every field as it was written', async () => {
      const first = newSession({ ip: null, userAgent: null });
      const user = await db.createUser(newUser(), first);
      assert.ok(user);
      const expected: Session = { ...first, userId: user.id };
      assert.deepEqual(await db.findLiveSession(first.idHash, NOW), expected);
    });

    it('createSession adds a session; it is live until its expiry, and not from that moment on', async () => {
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const session: Session = { ...newSession({ expiresAt: NOW + 1000 }), userId: user.id };
      await db.createSession(session);
      assert.deepEqual(await db.findLiveSession(session.idHash, NOW + 999), session);
      assert.equal(await db.findLiveSession(session.idHash, NOW + 1000), null);
      assert.equal(await db.findLiveSession(session.idHash, NOW + HOUR), null);
    });

    it('touchSession renews a session: last use and expiry move, the rest stays', async () => {
      const first = newSession({ expiresAt: NOW + 1000 });
      const user = await db.createUser(newUser(), first);
      assert.ok(user);
      await db.touchSession(first.idHash, NOW + 500, NOW + 500 + HOUR);
      const renewed = await db.findLiveSession(first.idHash, NOW + 2000);
      assert.deepEqual(renewed, {
        ...first,
        userId: user.id,
        lastUsedAt: NOW + 500,
        expiresAt: NOW + 500 + HOUR,
      });
      await db.touchSession(idHash(), NOW, NOW + HOUR); // an unknown session: nothing happens
    });

    it('deleteSession destroys a session once and says whether it did', async () => {
      const first = newSession();
      const user = await db.createUser(newUser(), first);
      assert.ok(user);
      const other: Session = { ...newSession(), userId: user.id };
      await db.createSession(other);
      assert.equal(await db.deleteSession(first.idHash), true);
      assert.equal(await db.findLiveSession(first.idHash, NOW), null);
      assert.equal(await db.deleteSession(first.idHash), false);
      assert.deepEqual(await db.findLiveSession(other.idHash, NOW), other, 'other sessions stay');
    });

    it('deleteExpiredSessions removes sessions expired at `now` and keeps live ones', async () => {
      // Times near the epoch: no other test, in this process or another, has sessions there.
      const base = 1_000_000 + (process.pid % 100_000) * 100;
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const expired = [1, 2, 3].map((i): Session => ({
        ...newSession({ createdAt: base - HOUR, lastUsedAt: base - HOUR, expiresAt: base - i }),
        userId: user.id,
      }));
      const atNow: Session = { ...newSession({ expiresAt: base }), userId: user.id };
      const live: Session = { ...newSession({ expiresAt: base + 1 }), userId: user.id };
      for (const session of [...expired, atNow, live]) await db.createSession(session);
      const removed = await db.deleteExpiredSessions(base);
      assert.equal(typeof removed, 'number');
      assert.ok(removed >= 4, `removed ${removed}`);
      for (const session of [...expired, atNow]) {
        assert.equal(await db.deleteSession(session.idHash), false, 'already gone');
      }
      assert.deepEqual(await db.findLiveSession(live.idHash, base), live);
    });
  });
}
