import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './helpers/server-process.js';

const CONFIG = path.join(ROOT, '.dependency-cruiser.js');
const DEPCRUISE = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

/**
 * Runs the layer check as `npm run lint:layers` does, over `src` and `web/src` under `cwd`:
 * its exit code and the violations it printed, as `rule: from`.
 */
async function cruise(cwd: string): Promise<{ exitCode: number; violations: string[] }> {
  const args = [DEPCRUISE, '--config', CONFIG, 'src', 'web/src'];
  const { stdout, exitCode } = await promisify(execFile)(process.execPath, args, { cwd }).then(
    (done) => ({ stdout: done.stdout, exitCode: 0 }),
    (error: { stdout: string; code: number }) => ({ stdout: error.stdout, exitCode: error.code }),
  );
  const violations = [...stdout.matchAll(/^\s*error ([\w-]+): (\S+) →/gm)].map((m) => `${m[1]}: ${m[2]}`);
  return { exitCode, violations };
}

/** One file per line of `[path, imports]`; each file also exports something to import. */
const FIXTURE: Record<string, string> = {
  // What the others import.
  'src/http/reply.ts': 'export const reply = 1;',
  'src/http/types.ts': 'export interface Reply { re_code: string }',
  'src/db/user-store.ts': 'export interface UserStore { ping(): void }',
  'src/db/sql-store.ts': 'export class SqlStore {}',
  'src/services/users.ts': 'export type AccountType = string;',
  'src/services/events.ts': 'export interface AuthEvents { on(): void }',
  'src/services/phone.ts': 'export const maskPhone = (p: string) => p;',
  'src/services/accounts.ts': 'export class AccountService {}',
  'src/metrics/prometheus.ts':
    "import type { AuthEvents } from '../services/events.js';\nexport type M = AuthEvents;",
  'src/config.ts': 'export const config = 1;',
  'src/shared/api-codes.ts': 'export const RET = 1;',

  // Allowed: the services through a port, an adapter to the domain types, the metrics plugin.
  'src/services/allowed.ts':
    "import type { UserStore } from '../db/user-store.js';\nimport type { AccountType } from './users.js';\nexport type A = [UserStore, AccountType];",
  'src/db/allowed.ts':
    "import type { AccountType } from '../services/users.js';\nexport type B = AccountType;",
  'src/http/plugins/metrics.ts': "import type { M } from '../../metrics/prometheus.js';\nexport type C = M;",
  'web/src/allowed.ts': "import { RET } from '../../src/shared/api-codes.js';\nexport const d = RET;",

  // Each of these breaks one rule.
  'src/services/to-http.ts': "import { reply } from '../http/reply.js';\nexport const e = reply;",
  'src/services/type-to-http.ts': "import type { Reply } from '../http/types.js';\nexport type F = Reply;",
  'src/services/to-adapter-code.ts':
    "import { SqlStore } from '../db/sql-store.js';\nexport const g = SqlStore;",
  'src/store/redis-store.ts': "import { SqlStore } from '../db/sql-store.js';\nexport const h = SqlStore;",
  'src/sms/twilio.ts': "import { maskPhone } from '../services/phone.js';\nexport const i = maskPhone;",
  'src/captcha/draw.ts':
    "import { AccountService } from '../services/accounts.js';\nexport const j = AccountService;",
  'src/http/routes/users.ts':
    "import type { UserStore } from '../../db/user-store.js';\nexport type K = UserStore;",
  'src/shared/to-server.ts': "import { config } from '../config.js';\nexport const l = config;",
  'src/shared/to-node.ts': "import path from 'node:path';\nexport const m = path.sep;",
  'web/src/to-server.ts': "import { config } from '../../src/config.js';\nexport const n = config;",
  'web/src/to-node.ts': "import fs from 'node:fs';\nexport const o = fs.sep;",
  'src/services/cycle-a.ts': "import { q } from './cycle-b.js';\nexport const p = () => q;",
  'src/services/cycle-b.ts': "import { p } from './cycle-a.js';\nexport const q = () => p;",
  'src/services/missing.ts': "import { r } from './no-such-file.js';\nexport const s = r;",
};

describe('the layer check (npm run lint:layers)', () => {
  let dir = '';
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layers-'));
    fs.copyFileSync(path.join(ROOT, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    for (const [file, text] of Object.entries(FIXTURE)) {
      fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), `${text}\n`);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds no violation in this tree', async () => {
    const { exitCode, violations } = await cruise(ROOT);
    assert.deepEqual(violations, []);
    assert.equal(exitCode, 0);
  });

  it('fails on each kind of reach across, type-only imports included, and on nothing allowed', async () => {
    const { exitCode, violations } = await cruise(dir);
    assert.deepEqual(
      violations.sort(),
      [
        'adapter-not-to-other-adapter: src/store/redis-store.ts',
        'adapter-only-to-service-types: src/captcha/draw.ts',
        'adapter-only-to-service-types: src/sms/twilio.ts',
        'http-not-to-adapters: src/http/routes/users.ts',
        'no-circular: src/services/cycle-a.ts',
        'relative-imports-resolve: src/services/missing.ts',
        'services-not-to-http: src/services/to-http.ts',
        'services-not-to-http: src/services/type-to-http.ts',
        'services-through-ports: src/services/to-adapter-code.ts',
        'shared-no-node-builtins: src/shared/to-node.ts',
        'shared-stays-plain: src/shared/to-server.ts',
        'sms-provider-not-to-services: src/sms/twilio.ts',
        'web-no-node-builtins: web/src/to-node.ts',
        'web-only-web-and-shared: web/src/to-server.ts',
      ].sort(),
    );
    assert.notEqual(exitCode, 0, 'the command fails, so CI stops');
  });
});
