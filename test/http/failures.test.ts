import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccountDatabase } from '../../src/db/user-store.js';
import { StorageError } from '../../src/storage-errors.js';
import { openDatabase } from '../../src/db/open-database.js';
import {
  API,
  assertRet,
  newPhone,
  newUuid,
  post,
  sendSmsCode,
  startTestApp,
  testConfig,
} from '../helpers/app.js';
import { UnreachableStore } from '../helpers/fakes.js';

/** A database whose server went away: every call fails as the SQL adapter's would. */
function unreachableDatabase(): AccountDatabase {
  const down = async (): Promise<never> => {
    throw new StorageError('database: connection refused');
  };
  return new Proxy({} as AccountDatabase, {
    get: (_target, property) => (property === 'close' ? async () => {} : down),
  });
}

describe('storage failures are DBERR replies, not crashes', () => {
  it('with the key-value store down, every endpoint that needs it answers DBERR', async () => {
    const t = await startTestApp({}, { keyValueStore: new UnreachableStore() });
    try {
      assertRet(await t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${newUuid()}` }), '4001');
      assertRet(
        await post(t.app, '/smsCode', { phone: newPhone(), img_code_client: 'ABCD', uuid: 'u' }),
        '4001',
      );
      assertRet(await post(t.app, '/sessions', { phone: newPhone(), password: 'password1' }), '4001');
      const body = { phone: newPhone(), phone_code: '123456', password: 'password1', password2: 'password1' };
      assertRet(await post(t.app, '/register', body), '4001');
    } finally {
      await t.close();
    }
  });

  it('with the database down, login, who-am-I and logout answer DBERR', async () => {
    const t = await startTestApp({}, { database: unreachableDatabase() });
    try {
      assertRet(await post(t.app, '/sessions', { phone: newPhone(), password: 'password1' }), '4001');
      const me = await t.app.inject({ method: 'GET', url: `${API}/users`, cookies: { session: 'abc' } });
      assertRet(me, '4001');
      assert.doesNotMatch(me.body, /connection refused|StorageError|at /);
      assertRet(
        await t.app.inject({ method: 'DELETE', url: `${API}/sessions`, cookies: { session: 'a' } }),
        '4001',
      );
    } finally {
      await t.close();
    }
  });

  it('an unexpected failure is HTTP 500 SERVERERR with no stack trace', async () => {
    const t = await startTestApp(
      {},
      {
        captchaRenderer: {
          contentType: 'image/png',
          render: async () => {
            throw new Error('canvas exploded at /secret/path.ts:12');
          },
        },
      },
    );
    try {
      const response = await t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${newUuid()}` });
      assert.deepEqual(assertRet(response, '4500', 500), {
        re_code: '4500',
        msg: '内部错误',
        reason: 'serverFailed',
      });
      assert.doesNotMatch(response.body, /exploded|secret|\.ts/);
    } finally {
      await t.close();
    }
  });

  it('a database failure while creating the account is DBERR, writes nothing, and leaves the code usable', async () => {
    const real = await openDatabase(testConfig());
    let failNext = true;
    const flaky: AccountDatabase = Object.assign(Object.create(real) as AccountDatabase, {
      createUser: async (...args: Parameters<AccountDatabase['createUser']>) => {
        if (failNext) {
          failNext = false;
          throw new StorageError('database: connection reset');
        }
        return real.createUser(...args);
      },
    });
    const t = await startTestApp({}, { database: flaky });
    try {
      const phone = newPhone();
      const code = await sendSmsCode(t.app, phone);
      const body = { phone, phone_code: code, password: 'password1', password2: 'password1' };
      assertRet(await post(t.app, '/register', body), '4001');
      assert.equal(await real.phoneExists(phone), false);
      assertRet(await post(t.app, '/register', body), '0');
      assert.equal(await real.phoneExists(phone), true);
    } finally {
      await t.close();
      await real.close();
    }
  });
});
