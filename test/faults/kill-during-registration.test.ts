import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { postJson, startServerProcess } from '../helpers/server-process.js';

describe('SIGKILL during a burst of registrations', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'medicine-kill-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const env = {
    DATA_DIR: dataDir,
    MEDICINE_TEST_HOOKS: '1',
    SMS_PER_IP_PER_HOUR: '1000',
    CAPTCHA_PER_IP_PER_MINUTE: '1000',
  };

  it('loses no account that was confirmed, and leaves none half-written', async () => {
    const phones = Array.from({ length: 40 }, (_, i) => `1360000${String(i).padStart(4, '0')}`);
    const passwordOf = (phone: string) => `password-${phone}`;

    let server = await startServerProcess(env);
    const codes = new Map<string, string>();
    for (const phone of phones) {
      const image = await fetch(`${server.api}/imageCode?uuid=kill-${phone}`);
      const text = image.headers.get('x-captcha-text') ?? '';
      await image.arrayBuffer();
      const sent = await postJson(`${server.api}/smsCode`, {
        phone,
        img_code_client: text,
        uuid: `kill-${phone}`,
      });
      assert.equal(sent.reply.re_code, '0');
      const hook = (await (await fetch(`${server.api}/test/sms?phone=${phone}`)).json()) as { code: string };
      codes.set(phone, hook.code);
    }

    const confirmed: string[] = [];
    let killed = false;
    const burst = phones.map(async (phone) => {
      const password = passwordOf(phone);
      try {
        const { reply } = await postJson(`${server.api}/register`, {
          phone,
          phone_code: codes.get(phone),
          password,
          password2: password,
        });
        if (reply.re_code === '0') confirmed.push(phone);
        if (confirmed.length >= 5 && !killed) {
          killed = true;
          server.child.kill('SIGKILL');
        }
      } catch {
        // The connection died with the process: this person got no answer.
      }
    });
    await Promise.all(burst);
    assert.ok(killed, 'the process was killed mid-burst');
    assert.ok(confirmed.length >= 5 && confirmed.length < phones.length, `${confirmed.length} confirmed`);
    await server.stop('SIGKILL');

    const db = new Database(path.join(dataDir, 'medicine.db'));
    try {
      assert.equal((db.pragma('integrity_check') as { integrity_check: string }[])[0]?.integrity_check, 'ok');
    } finally {
      db.close();
    }

    server = await startServerProcess(env);
    try {
      let existing = 0;
      for (const phone of phones) {
        const { reply } = await postJson(`${server.api}/sessions`, { phone, password: passwordOf(phone) });
        if (confirmed.includes(phone))
          assert.equal(reply.re_code, '0', `${phone} was told it was registered`);
        assert.ok(['0', '4102'].includes(String(reply.re_code)), `${phone}: ${JSON.stringify(reply)}`);
        if (reply.re_code === '0') existing += 1;
      }
      const db2 = new Database(path.join(dataDir, 'medicine.db'), { readonly: true });
      try {
        const users = (db2.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
        assert.equal(users, existing, 'every account in the database can log in: none is half-written');
        const orphans = db2
          .prepare(
            'SELECT COUNT(*) AS n FROM users u WHERE NOT EXISTS (SELECT 1 FROM sessions s WHERE s.user_id = u.id)',
          )
          .get() as { n: number };
        assert.equal(orphans.n, 0, 'every account was written with its first session, in one transaction');
      } finally {
        db2.close();
      }
    } finally {
      await server.stop();
    }
  });
});
