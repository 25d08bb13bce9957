import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  API,
  assertRet,
  newPhone,
  registerAccount,
  startTestApp,
  whoAmI,
  type TestApp,
} from '../helpers/app.js';

interface Listed {
  user_id: number;
  phone: string;
  types: string;
  expert_status: string | null;
  disabled: boolean;
}

const list = (t: TestApp, query: string, session?: string) =>
  t.app.inject({ method: 'GET', url: `${API}/admin/users${query}`, cookies: session ? { session } : {} });

async function idOf(t: TestApp, session: string): Promise<number> {
  return (assertRet(await whoAmI(t.app, session), '0').user as { user_id: number }).user_id;
}

/** Every page of a listing, `count` at a time (bounded: other tests' accounts share the database). */
async function everyPage(t: TestApp, query: string, session: string): Promise<Listed[]> {
  const all: Listed[] = [];
  for (let page = 1; page <= 100; page++) {
    const reply = assertRet(await list(t, `${query}&count=100&page=${page}`, session), '0');
    all.push(...(reply.data as Listed[]));
    if (reply.has_next !== true) return all;
  }
  assert.fail('more than 100 pages');
}

describe('GET /admin/users: the queue of doctors awaiting approval, and search by phone', () => {
  let t: TestApp;
  let admin: string;
  let adminId: number;
  const pendingPhones = [newPhone(), newPhone()];
  const approvedPhone = newPhone();
  const patientPhone = newPhone();
  const pendingIds: number[] = [];
  let approvedId: number;

  before(async () => {
    t = await startTestApp();
    admin = await registerAccount(t.app, newPhone());
    adminId = await idOf(t, admin);
    assert.ok((await t.app.services.admin.setRole(adminId, 'admin')).ok);
    for (const phone of pendingPhones)
      pendingIds.push(await idOf(t, await registerAccount(t.app, phone, undefined, 'expert')));
    approvedId = await idOf(t, await registerAccount(t.app, approvedPhone, undefined, 'expert'));
    assert.ok((await t.app.services.admin.moderate(null, approvedId, 'approve')).ok);
    await registerAccount(t.app, patientPhone);
  });
  after(() => t?.close());

  it('status=pending lists the doctors awaiting approval, oldest first, phones masked; approving takes one off', async () => {
    const before = await everyPage(t, '?status=pending', admin);
    assert.ok(before.every((u) => u.types === 'expert' && u.expert_status === 'pending'));
    const ours = before.filter((u) => pendingIds.includes(u.user_id));
    assert.deepEqual(
      ours.map((u) => u.user_id),
      pendingIds,
    );
    assert.deepEqual(
      ours.map((u) => u.phone),
      pendingPhones.map((p) => `${p.slice(0, 3)}****${p.slice(-4)}`),
    );
    assert.ok(!before.some((u) => u.user_id === approvedId));
    const ids = before.map((u) => u.user_id);
    assert.deepEqual(
      ids,
      [...ids].sort((a, b) => a - b),
      'oldest first',
    );

    assertRet(
      await t.app.inject({
        method: 'PUT',
        url: `${API}/admin/users/${pendingIds[0]}`,
        cookies: { session: admin },
        payload: { action: 'approve' },
      }),
      '0',
    );
    const after = await everyPage(t, '?status=pending', admin);
    assert.ok(!after.some((u) => u.user_id === pendingIds[0]));
    assert.ok(after.some((u) => u.user_id === pendingIds[1]));
    const approved = await everyPage(t, '?status=approved', admin);
    assert.ok(
      approved.some((u) => u.user_id === pendingIds[0]) && approved.some((u) => u.user_id === approvedId),
    );
  });

  it('phone finds the one account with that whole number (+86 accepted), never by prefix', async () => {
    for (const form of [patientPhone, `+86${patientPhone}`, `86${patientPhone}`]) {
      const reply = assertRet(await list(t, `?phone=${encodeURIComponent(form)}`, admin), '0');
      assert.equal(reply.total, 1, form);
      assert.equal((reply.data as Listed[])[0]?.types, 'patient');
    }
    const both = assertRet(await list(t, `?status=approved&phone=${approvedPhone}`, admin), '0');
    assert.equal((both.data as Listed[])[0]?.user_id, approvedId);
    assert.equal(assertRet(await list(t, `?status=pending&phone=${approvedPhone}`, admin), '0').total, 0);
    assert.equal(assertRet(await list(t, `?phone=${newPhone()}`, admin), '0').total, 0, 'nobody has it');
    const prefix = assertRet(await list(t, `?phone=${patientPhone.slice(0, 7)}`, admin), '4103');
    assert.equal(prefix.reason, 'phoneInvalid');
  });

  it('only admins may list (ROLEERR adminsOnly), and only logged in', async () => {
    const patient = await registerAccount(t.app, newPhone());
    assert.equal(assertRet(await list(t, '?status=pending', patient), '4105').reason, 'adminsOnly');
    assertRet(await list(t, '?status=pending'), '4101');
  });

  it('count is bounded at 100; bad status, page or count are refused', async () => {
    const reply = assertRet(await list(t, '?count=999', admin), '0');
    assert.ok((reply.data as Listed[]).length <= 100);
    assert.equal(reply.pages, Math.ceil((reply.total as number) / 100));
    for (const query of ['?status=disabled', '?count=0', '?count=1000', '?page=0', '?phone=']) {
      assertRet(await list(t, query, admin), '4103');
    }
  });

  it('every listing is in the audit log under the admin, the phone searched for masked', async () => {
    await list(t, `?status=pending&phone=${patientPhone}`, admin);
    const audit = assertRet(
      await t.app.inject({ method: 'GET', url: `${API}/audit?count=50`, cookies: { session: admin } }),
      '0',
    );
    const entry = (
      audit.data as {
        user_id: number;
        action: string;
        outcome: string;
        phone: string | null;
        detail: string;
      }[]
    ).find((e) => e.outcome === 'list_users' && e.phone !== null);
    assert.ok(entry, JSON.stringify(audit.data));
    assert.equal(entry.user_id, adminId);
    assert.equal(entry.action, 'admin');
    assert.equal(entry.phone, `${patientPhone.slice(0, 3)}****${patientPhone.slice(-4)}`);
    assert.match(entry.detail, /status=pending/);
  });
});
