import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { AccountDatabase, NewSession, NewUser, Session } from '../../src/db/user-store.js';
import { StorageError } from '../../src/storage-errors.js';
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
      const created = await db.createUser(
        newUser(phone, { types: 'expert', expertStatus: 'pending' }),
        newSession(),
      );
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
        role: 'user',
        expertStatus: 'pending',
        disabled: false,
        major: null,
        grade: null,
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
      assert.equal(await db.createSession(session), true);
      assert.deepEqual(await db.findLiveSession(session.idHash, NOW + 999), session);
      assert.equal(await db.findLiveSession(session.idHash, NOW + 1000), null);
      assert.equal(await db.findLiveSession(session.idHash, NOW + HOUR), null);
    });

    it('createSession for a user deleted meanwhile (a deletion racing a login) answers false and adds nothing', async () => {
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const entry = {
        at: NOW,
        userId: user.id,
        phone: null,
        action: 'delete',
        outcome: 'success',
        ip: null,
        userAgent: null,
        detail: null,
      };
      assert.equal(await db.deleteUser(user.id, 'gone-1', entry), true);
      const late: Session = { ...newSession(), userId: user.id };
      assert.equal(await db.createSession(late), false);
      assert.equal(await db.findLiveSession(late.idHash, NOW), null);
    });

    it('findLiveSessionUser gives a live session its user as stored now, and nothing once it expired', async () => {
      const first = newSession({ expiresAt: NOW + 1000, lastUsedAt: NOW - 5 });
      const user = await db.createUser(newUser(), first);
      assert.ok(user);
      await db.setDisabled(user.id, true);
      const found = await db.findLiveSessionUser(first.idHash, NOW);
      assert.deepEqual(found, { lastUsedAt: NOW - 5, user: { ...user, disabled: true } });
      assert.equal(await db.findLiveSessionUser(first.idHash, NOW + 1000), null);
      assert.equal(await db.findLiveSessionUser(idHash(), NOW), null);
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

    it('updates a profile, a password, a role, a doctor status and the disabled flag', async () => {
      const user = await db.createUser(
        newUser(newPhone(), { types: 'expert', expertStatus: 'pending' }),
        newSession(),
      );
      assert.ok(user);
      const updated = await db.updateProfile(user.id, {
        name: '王医生',
        age: 45,
        address: '北京',
        major: '心内科',
        grade: 'professor',
      });
      assert.deepEqual(
        [updated?.name, updated?.age, updated?.address, updated?.major, updated?.grade],
        ['王医生', 45, '北京', '心内科', 'professor'],
      );
      assert.equal((await db.updateProfile(user.id, { address: null }))?.address, null);
      await db.setPasswordHash(user.id, '$argon2id$new');
      await db.setRole(user.id, 'admin');
      await db.setExpertStatus(user.id, 'approved');
      await db.setDisabled(user.id, true);
      const found = await db.findUserById(user.id);
      assert.deepEqual(
        [found?.passwordHash, found?.role, found?.expertStatus, found?.disabled, found?.name],
        ['$argon2id$new', 'admin', 'approved', true, '王医生'],
      );
      assert.equal(await db.updateProfile(2_000_000_000, { name: 'x' }), null);
    });

    it('lists approved, enabled doctors in pages, oldest first', async () => {
      const before = await db.listApprovedExperts(0, 1000);
      const ids: number[] = [];
      for (let i = 0; i < 3; i++) {
        const doctor = await db.createUser(
          newUser(newPhone(), { types: 'expert', expertStatus: 'pending' }),
          newSession(),
        );
        assert.ok(doctor);
        await db.setExpertStatus(doctor.id, 'approved');
        ids.push(doctor.id);
      }
      const pending = await db.createUser(
        newUser(newPhone(), { types: 'expert', expertStatus: 'pending' }),
        newSession(),
      );
      const disabled = await db.createUser(
        newUser(newPhone(), { types: 'expert', expertStatus: 'pending' }),
        newSession(),
      );
      assert.ok(pending && disabled);
      await db.setExpertStatus(disabled.id, 'approved');
      await db.setDisabled(disabled.id, true);
      const all = await db.listApprovedExperts(0, 1000);
      assert.equal(all.total, before.total + 3);
      const listed = all.items.map((u) => u.id);
      for (const id of ids) assert.ok(listed.includes(id));
      assert.ok(!listed.includes(pending.id) && !listed.includes(disabled.id));
      const page = await db.listApprovedExperts(before.total + 1, 1);
      assert.deepEqual(
        page.items.map((u) => u.id),
        [ids[1]],
      );
    });

    it('lists a person’s live sessions, and ends all of them but one', async () => {
      const first = newSession({ lastUsedAt: NOW });
      const user = await db.createUser(newUser(), first);
      assert.ok(user);
      const second = { ...newSession({ lastUsedAt: NOW + 10 }), userId: user.id };
      const expired = { ...newSession({ expiresAt: NOW - 1 }), userId: user.id };
      await db.createSession(second);
      await db.createSession(expired);
      const live = await db.listSessions(user.id, NOW);
      assert.deepEqual(
        live.map((s) => s.idHash),
        [second.idHash, first.idHash],
      );
      assert.equal(await db.deleteSessionsOfUser(user.id, second.idHash), 2);
      assert.deepEqual(
        (await db.listSessions(user.id, NOW)).map((s) => s.idHash),
        [second.idHash],
      );
      assert.equal(await db.deleteSessionsOfUser(user.id), 1);
      assert.deepEqual(await db.listSessions(user.id, NOW), []);
    });

    it('keeps device marks by hash: live until expiry, renewed, forgotten per person but one, swept when expired', async () => {
      const user = await db.createUser(newUser(), newSession());
      const other = await db.createUser(newUser(), newSession());
      assert.ok(user && other);
      const mark = (userId: number, expiresAt = NOW + HOUR) => ({
        idHash: idHash(),
        userId,
        createdAt: NOW,
        expiresAt,
      });
      const kept = mark(user.id);
      const dropped = mark(user.id);
      const stale = mark(user.id, NOW - 1);
      const others = mark(other.id);
      for (const m of [kept, dropped, stale, others]) await db.createDeviceMark(m);
      assert.deepEqual(await db.findLiveDeviceMark(kept.idHash, NOW), kept);
      assert.equal(await db.findLiveDeviceMark(stale.idHash, NOW), null);
      assert.equal(await db.findLiveDeviceMark(idHash(), NOW), null);
      assert.equal(await db.findLiveDeviceMark(kept.idHash, kept.expiresAt), null, 'not from its expiry on');

      await db.renewDeviceMark(kept.idHash, NOW + 2 * HOUR);
      assert.equal((await db.findLiveDeviceMark(kept.idHash, NOW + HOUR))?.expiresAt, NOW + 2 * HOUR);

      assert.equal(await db.deleteDeviceMarksOfUser(user.id, kept.idHash), 2);
      assert.equal(await db.findLiveDeviceMark(dropped.idHash, NOW), null);
      assert.ok(await db.findLiveDeviceMark(kept.idHash, NOW), 'the one kept');
      assert.ok(await db.findLiveDeviceMark(others.idHash, NOW), "another person's marks stay");

      await db.createDeviceMark(stale);
      assert.ok((await db.deleteExpiredDeviceMarks(NOW)) >= 1);
      assert.equal(await db.findLiveDeviceMark(stale.idHash, NOW - 2), null, 'gone, not merely expired');
      assert.ok(await db.findLiveDeviceMark(kept.idHash, NOW));
      assert.equal(await db.deleteDeviceMarksOfUser(other.id), 1);
    });

    it('an app session keeps its refresh state: a cookie session has none, beginRefresh starts generation 0', async () => {
      const session = newSession();
      const user = await db.createUser(newUser(), session);
      assert.ok(user);
      assert.equal(
        await db.findRefreshSession(session.idHash, NOW),
        null,
        'a cookie session has no refresh token',
      );
      const refreshHash = idHash();
      assert.equal(await db.beginRefresh(session.idHash, refreshHash, NOW + 30 * 24 * HOUR), true);
      assert.equal(await db.beginRefresh(idHash(), refreshHash, NOW + HOUR), false);
      const found = await db.findRefreshSession(session.idHash, NOW);
      assert.deepEqual(found && { ...found, user: found.user.id }, {
        idHash: session.idHash,
        user: user.id,
        expiresAt: NOW + HOUR,
        refreshHash,
        generation: 0,
        rotatedAt: null,
        absoluteExpiresAt: NOW + 30 * 24 * HOUR,
      });
      assert.equal(await db.findRefreshSession(session.idHash, NOW + HOUR), null, 'idle expiry');
    });

    it(`rotateRefresh turns a generation once: of ${CALLERS} racers exactly one wins`, async () => {
      const session = newSession();
      assert.ok(await db.createUser(newUser(), session));
      await db.beginRefresh(session.idHash, idHash(), NOW + 2 * HOUR);
      const hashes = Array.from({ length: CALLERS }, idHash);
      const won = await Promise.all(
        hashes.map((hash) => db.rotateRefresh(session.idHash, 0, hash, NOW + 1000, NOW + 3 * HOUR)),
      );
      assert.equal(won.filter(Boolean).length, 1);
      const found = await db.findRefreshSession(session.idHash, NOW + 1000);
      assert.equal(found?.generation, 1);
      assert.equal(found?.refreshHash, hashes[won.indexOf(true)]);
      assert.equal(found?.rotatedAt, NOW + 1000);
      assert.equal(found?.expiresAt, NOW + 3 * HOUR);
      assert.equal(await db.rotateRefresh(session.idHash, 0, idHash(), NOW + 2000, NOW + 3 * HOUR), false);
      assert.equal(await db.findRefreshSession(session.idHash, NOW + 2 * HOUR), null, 'absolute expiry');
      assert.equal(await db.deleteSession(session.idHash), true);
      assert.equal(
        await db.findRefreshSession(session.idHash, NOW + 1000),
        null,
        'ending the session ends it',
      );
    });

    it('keeps an audit log, newest first, per person or for everyone', async () => {
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const entry = {
        at: NOW,
        userId: user.id,
        phone: '139****0001',
        ip: '203.0.113.7',
        userAgent: 'ua',
        detail: null,
      };
      await db.appendAudit({ ...entry, action: 'register', outcome: 'success' });
      await db.appendAudit({ ...entry, action: 'login', outcome: 'failure', at: NOW + 1 });
      await db.appendAudit({ ...entry, userId: null, action: 'login', outcome: 'failure', at: NOW + 2 });
      const mine = await db.listAudit(user.id, 0, 10);
      assert.equal(mine.total, 2);
      assert.deepEqual(
        mine.items.map((e) => [e.action, e.outcome, e.at]),
        [
          ['login', 'failure', NOW + 1],
          ['register', 'success', NOW],
        ],
      );
      const everyone = await db.listAudit(null, 0, 1);
      assert.ok(everyone.total >= 3);
      assert.equal(everyone.items[0]?.userId, null);
    });

    it('writes audit entries made at once, all of them, in the order they were made', async () => {
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const entry = { userId: user.id, phone: null, ip: null, userAgent: null, detail: null };
      await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          db.appendAudit({ ...entry, at: NOW + i, action: 'sms_sent', outcome: 'sent' }),
        ),
      );
      const written = await db.listAudit(user.id, 0, CALLERS);
      assert.deepEqual(
        written.items.map((e) => e.at),
        Array.from({ length: CALLERS }, (_, i) => NOW + i).reverse(),
        'newest first is last made first',
      );
    });

    it('of audit entries made at once, refuses only the one it cannot write', async () => {
      const user = await db.createUser(newUser(), newSession());
      assert.ok(user);
      const entry = {
        userId: user.id,
        phone: null,
        ip: null,
        userAgent: null,
        detail: null,
        outcome: 'sent',
      };
      // `action` is NOT NULL: the database refuses the entry that has none.
      const refusedAt = 17;
      const outcomes = await Promise.allSettled(
        Array.from({ length: CALLERS }, (_, i) =>
          db.appendAudit({
            ...entry,
            at: NOW + i,
            action: i === refusedAt ? (null as unknown as string) : 'sms_sent',
          }),
        ),
      );
      assert.deepEqual(
        outcomes.map((outcome, i) => [i, outcome.status]),
        outcomes.map((_, i) => [i, i === refusedAt ? 'rejected' : 'fulfilled']),
      );
      const refused = outcomes[refusedAt];
      assert.ok(refused?.status === 'rejected' && refused.reason instanceof StorageError);
      const written = await db.listAudit(user.id, 0, CALLERS);
      assert.deepEqual(
        written.items.map((e) => e.at).sort((a, b) => a - b),
        Array.from({ length: CALLERS }, (_, i) => NOW + i).filter((_, i) => i !== refusedAt),
      );
    });
  });
}
