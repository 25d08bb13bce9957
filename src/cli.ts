import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { connectDatabase } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase } from './db/open-database.js';
import { withSessionCache } from './services/session-cache.js';
import type { AccountDatabase } from './db/user-store.js';
import { secretFromFile } from './secret-file.js';
import { AccountEraser } from './services/account-deletion.js';
import { openKeyValueStore } from './store/open-store.js';
import { ADMIN_ACTIONS, AdminService, type AdminAction } from './services/admin.js';
import { RetentionJob } from './services/retention.js';
import { AuditService } from './services/audit.js';
import { PhoneRules } from './services/phone.js';
import { maskPhone } from './shared/phone-format.js';
import { SessionService } from './services/sessions.js';
import type { User } from './services/users.js';
import { failureReason, maskUrl } from './storage-errors.js';
import { keySetOf, keysFromDataDir, newPrivateKey, removeKeyFromFile, rotateKeyFile } from './tokens/keys.js';

const USAGE = `usage: medicine <command> [arguments] [--json]

commands:
  migrate                              bring the database DATABASE_URL names up to date
  user list [--page N] [--count N]     accounts, oldest first
  user show <phone|id>                 one account, with the platforms (WeChat, Alipay) it is linked to
  user approve|reject <phone|id>       vet a doctor
  user disable|enable <phone|id>       a disabled account cannot log in; its sessions end
  user set-role <phone|id> user|admin  give or take the admin role (never from the last enabled admin)
  user delete <phone|id> --yes         delete the account and its personal data (audit entries stay pseudonymous)
  audit tail [--count N]               the newest audit entries, everyone's
  purge                                delete expired sessions and device marks, and audit entries older than AUDIT_RETENTION_DAYS
  keys list                            the keys that verify access tokens, the signing one first
  keys rotate                          a new signing key; the old ones still verify (restart to apply)
  keys remove <kid>                    drop an old key: tokens it signed stop verifying`;

type Print = (line: string) => void;

class UsageError extends Error {}

function option(argv: readonly string[], name: string, fallback: number, max: number): number {
  const at = argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(argv[at + 1]);
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw new UsageError(`--${name} takes a whole number from 1 to ${max}`);
  return value;
}

/** The words of a command line that are not options or option values. */
function positionals(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] ?? '';
    if (word === '--page' || word === '--count') i += 1;
    else if (!word.startsWith('--')) words.push(word);
  }
  return words;
}

function describeUser(user: User): Record<string, unknown> {
  return {
    id: user.id,
    phone: user.phone,
    name: user.name,
    types: user.types,
    role: user.role,
    expert_status: user.expertStatus,
    disabled: user.disabled,
    major: user.major,
    grade: user.grade,
    created_at: new Date(user.createdAt).toISOString(),
  };
}

function userLine(user: User): string {
  const standing = user.types === 'expert' ? `doctor (${user.expertStatus ?? 'pending'})` : 'patient';
  const flags = [user.role === 'admin' ? 'admin' : '', user.disabled ? 'DISABLED' : '']
    .filter(Boolean)
    .join(' ');
  return `${String(user.id).padStart(6)}  ${user.phone.padEnd(14)}  ${user.name.padEnd(16)}  ${standing.padEnd(20)}  ${flags}`;
}

async function findUser(db: AccountDatabase, config: Config, key: string | undefined): Promise<User> {
  if (key === undefined) throw new UsageError('name the account by its phone or its id');
  const phone = new PhoneRules(config.phoneRegions).normalise(key);
  const user =
    phone !== null
      ? await db.findUserByPhone(phone)
      : /^\d{1,10}$/.test(key)
        ? await db.findUserById(Number(key))
        : null;
  if (user === null) throw new Error(`no account ${key}`);
  return user;
}

async function userCommand(
  db: AccountDatabase,
  config: Config,
  argv: readonly string[],
  json: boolean,
  out: Print,
) {
  const [, sub, key, value] = positionals(argv);
  const sessions = new SessionService(db, systemClock, config.sessionTtlSeconds);
  const audit = new AuditService(db, systemClock, {
    error: (...args: unknown[]) => console.error(...args),
  } as never);
  const admin = new AdminService(db, sessions, audit, new PhoneRules(config.phoneRegions));
  if (sub === 'list') {
    const count = option(argv, 'count', 50, 1000);
    const page = option(argv, 'page', 1, 1_000_000);
    const { total, items } = await db.listUsers((page - 1) * count, count);
    if (json) return out(JSON.stringify({ total, page, count, users: items.map(describeUser) }));
    out(`${total} accounts; page ${page} of ${Math.max(1, Math.ceil(total / count))}`);
    for (const user of items) out(userLine(user));
    return;
  }
  const user = await findUser(db, config, key);
  if (sub === 'show') {
    // Issue 17: the platforms the account is linked to (never their ids for the person).
    const links = await db.listLinks(user.id);
    const linked = links.map((link) => ({
      provider: link.provider,
      linked_at: new Date(link.createdAt).toISOString(),
    }));
    if (json) return out(JSON.stringify({ ...describeUser(user), links: linked }));
    out(userLine(user));
    return out(
      `        linked: ${linked.length === 0 ? 'none' : linked.map((l) => `${l.provider} (since ${l.linked_at})`).join(', ')}`,
    );
  }
  if (sub === 'delete') {
    if (!argv.includes('--yes')) throw new UsageError('user delete cannot be undone: add --yes');
    // The pseudonyms of the audit log are keyed with the server's secret, so they match the API's.
    const eraser = new AccountEraser(db, systemClock, config.secret ?? secretFromFile(config.dataDir));
    if (!(await eraser.erase(user, 'command_line'))) throw new Error(`no account ${key ?? ''}`);
    const pseudonym = eraser.pseudonymOf(user.phone);
    out(
      json
        ? JSON.stringify({ deleted: user.id, pseudonym })
        : `deleted account ${user.id} (${maskPhone(user.phone)}); its audit entries now read ${pseudonym}`,
    );
    return;
  }
  let result;
  if (ADMIN_ACTIONS.includes(sub as AdminAction))
    result = await admin.moderate(null, user.id, sub as AdminAction);
  else if (sub === 'set-role') {
    if (value !== 'user' && value !== 'admin') throw new UsageError('set-role takes user or admin');
    result = await admin.setRole(user.id, value);
  } else throw new UsageError(`unknown user command "${sub ?? ''}"`);
  if (!result.ok)
    throw new Error(`refused (${result.code} ${result.message.key}) for ${maskPhone(user.phone)}`);
  out(json ? JSON.stringify(describeUser(result.value)) : `${sub}: ${userLine(result.value)}`);
}

async function auditCommand(db: AccountDatabase, argv: readonly string[], json: boolean, out: Print) {
  if (argv[1] !== 'tail') throw new UsageError(`unknown audit command "${argv[1] ?? ''}"`);
  const audit = new AuditService(db, systemClock, { error: () => {} } as never);
  const { items } = await audit.list(null, 0, option(argv, 'count', 20, 1000));
  if (json) return out(JSON.stringify(items));
  for (const e of items.reverse()) {
    out(
      `${e.at}  ${e.action.padEnd(15)} ${e.outcome.padEnd(16)} user ${String(e.user_id ?? '-').padEnd(6)} ${e.phone ?? ''} ${e.ip ?? ''} ${e.detail ?? ''}`.trimEnd(),
    );
  }
}

/**
 * Access-token keys (issue 14). Outside production they live in `<DATA_DIR>/jwt-keys.json`;
 * in production they come from JWT_PRIVATE_KEYS, so `rotate` prints the new value to set.
 */
async function keysCommand(config: Config, argv: readonly string[], json: boolean, out: Print) {
  const [, sub, kid] = positionals(argv);
  const fromEnv = config.tokens.privateKeys !== undefined;
  const describe = async (keys: Parameters<typeof keySetOf>[0]) =>
    (await keySetOf(keys)).all.map((key, i) => ({ kid: key.kid, alg: key.alg, signing: i === 0 }));
  if (sub === 'list') {
    const keys = await describe(config.tokens.privateKeys ?? keysFromDataDir(config.dataDir));
    if (json) return out(JSON.stringify({ source: fromEnv ? 'JWT_PRIVATE_KEYS' : 'DATA_DIR', keys }));
    for (const key of keys) out(`${key.kid}  ${key.alg}${key.signing ? '  signing' : ''}`);
    return;
  }
  if (sub === 'rotate') {
    if (fromEnv) {
      const keys = [newPrivateKey(), ...(config.tokens.privateKeys ?? [])];
      out(
        json
          ? JSON.stringify({ JWT_PRIVATE_KEYS: JSON.stringify(keys) })
          : `JWT_PRIVATE_KEYS='${JSON.stringify(keys)}'`,
      );
      return;
    }
    const keys = await describe(rotateKeyFile(config.dataDir));
    if (json) return out(JSON.stringify({ keys }));
    out(`new signing key ${keys[0]?.kid ?? ''}; restart the service to sign with it`);
    return;
  }
  if (sub === 'remove') {
    if (kid === undefined) throw new UsageError('name the key to remove by its kid');
    if (fromEnv) throw new UsageError('the keys come from JWT_PRIVATE_KEYS: remove it there');
    if (!(await removeKeyFromFile(config.dataDir, kid)))
      throw new Error(`no key ${kid} to remove (the signing key is removed only after a rotation)`);
    out(json ? JSON.stringify({ removed: kid }) : `removed ${kid}; restart the service to apply`);
    return;
  }
  throw new UsageError(`unknown keys command "${sub ?? ''}"`);
}

/** The operators' command line (`npx medicine …`). Exit 0 on success, 1 on failure, 2 on misuse. */
export async function runCli(
  argv: readonly string[],
  out: Print = console.log,
  err: Print = console.error,
): Promise<number> {
  const json = argv.includes('--json');
  const command = argv[0];
  if (command === undefined || command === 'help' || argv.includes('--help')) {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  let config: Config;
  try {
    // The environment as the server reads it, less what no command uses.
    config = loadConfig(undefined, {
      sms: false,
      // Deleting keys the audit log's pseudonyms with the secret, as the server does.
      secret: command === 'user' && argv[1] === 'delete',
      tokens: command === 'keys',
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`medicine: ${error.message}`);
      return 1;
    }
    throw error;
  }
  try {
    if (command === 'migrate') {
      const db = await connectDatabase(config.databaseUrl);
      try {
        const applied = await migrateToLatest(db);
        const where = maskUrl(config.databaseUrl);
        if (json) out(JSON.stringify({ database: where, applied }));
        else if (applied.length === 0) out(`${where}: already up to date`);
        else out(`${where}: applied ${applied.join(', ')}`);
        return 0;
      } catch (error) {
        err(`medicine: cannot migrate ${maskUrl(config.databaseUrl)}: ${failureReason(error)}`);
        return 1;
      } finally {
        await db.destroy();
      }
    }
    if (command === 'keys') {
      await keysCommand(config, argv, json, out);
      return 0;
    }
    if (command !== 'user' && command !== 'audit' && command !== 'purge')
      throw new UsageError(`unknown command "${command}"`);
    const raw = await openDatabase(config);
    // Servers sharing Redis cache sessions (src/services/session-cache.ts): what this command
    // changes (a disabled account, ended sessions) is announced to them as theirs is.
    const store =
      command === 'user' && config.redisUrl !== undefined
        ? await openKeyValueStore(config, systemClock)
        : undefined;
    const bus = await store?.openBus?.('sessions:invalidate');
    const db =
      bus === undefined
        ? raw
        : withSessionCache(raw, bus, systemClock, { maxAgeMs: 0, maxEntries: 0, sessionTtlMs: 0 });
    try {
      if (command === 'user') await userCommand(db, config, argv, json, out);
      else if (command === 'purge') {
        // Without the instances' lock: the deletes are idempotent, the lock only spares duplicate work.
        const purged = await new RetentionJob(db, systemClock, config.legal.auditRetentionDays).purge();
        out(
          json
            ? JSON.stringify(purged)
            : `purged ${purged.sessions} expired sessions, ${purged.deviceMarks} device marks, ${purged.auditEntries} audit entries older than ${config.legal.auditRetentionDays} days`,
        );
      } else await auditCommand(db, argv, json, out);
      return 0;
    } finally {
      await raw.close();
      await bus?.close();
      await store?.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      err(`medicine: ${error.message}\n${USAGE}`);
      return 2;
    }
    err(`medicine: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
