import { ConfigError, loadConfig } from './config.js';
import { connectDatabase, failureReason, maskUrl } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';

const USAGE = `usage: medicine <command> [--json]

commands:
  migrate    bring the database DATABASE_URL names up to date, and say what was applied`;

/** The operators' command line (`npx medicine …`, `npm run migrate`). Exit 0 on success, 1 on failure, 2 on misuse. */
export async function runCli(
  argv: readonly string[],
  out = console.log,
  err = console.error,
): Promise<number> {
  const json = argv.includes('--json');
  const [command] = argv.filter((a) => !a.startsWith('--'));
  if (command === undefined || command === 'help' || argv.includes('--help')) {
    out(USAGE);
    return command === undefined ? 2 : 0;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`medicine: ${error.message}`);
      return 1;
    }
    throw error;
  }
  switch (command) {
    case 'migrate': {
      try {
        const db = await connectDatabase(config.databaseUrl);
        try {
          const applied = await migrateToLatest(db);
          const where = maskUrl(config.databaseUrl);
          if (json) out(JSON.stringify({ database: where, applied }));
          else if (applied.length === 0) out(`${where}: already up to date`);
          else out(`${where}: applied ${applied.join(', ')}`);
          return 0;
        } finally {
          await db.destroy();
        }
      } catch (error) {
        err(`medicine: cannot migrate ${maskUrl(config.databaseUrl)}: ${failureReason(error)}`);
        return 1;
      }
    }
    default:
      err(`medicine: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

process.exitCode = await runCli(process.argv.slice(2));
