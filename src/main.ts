import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';

/** The longest a SIGTERM waits for requests in flight. */
const DRAIN_MS = 10_000;

function fail(message: string): never {
  console.error(`medicine-api: ${message}`);
  process.exit(1);
}

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }
}

/** One server process: build, listen, and on SIGTERM/SIGINT drain in-flight requests before exit. */
async function serve(config: Config): Promise<void> {
  // Loaded here, not at the top: a WORKERS primary only forks and never serves, so it
  // need not load (and keep in memory) the whole app before its workers can start.
  const { buildApp } = await import('./app.js');
  const app = await buildApp(config).catch((error: unknown) =>
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`),
  );

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'draining and shutting down');
    // Keep-alive connections that fall idle once their request is answered are closed at
    // once, so the drain takes as long as the slowest request, not the keep-alive timeout;
    // after DRAIN_MS whatever is left is cut.
    const idle = setInterval(() => app.server.closeIdleConnections(), 50);
    setTimeout(() => app.server.closeAllConnections(), DRAIN_MS).unref();
    app.close().then(
      () => {
        clearInterval(idle);
        process.exit(0);
      },
      () => process.exit(1),
    );
  };

  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
}

/**
 * `WORKERS=N`: the primary forks N servers sharing the port (the first alone, the rest
 * once it listens), replaces one that dies,
 * and passes SIGTERM on so each drains. A worker that dies before it ever listened
 * means the setup is wrong (say, the database is unreachable): then all stop, exit 1.
 */
async function supervise(config: Config): Promise<void> {
  // Loaded only here: the primary keeps little in memory (prom-client, not the app).
  if (config.metricsToken !== undefined) (await import('./metrics/cluster.js')).answerClusterMetrics();
  let stopping = false;
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!listened.has(worker.id)) {
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = 1;
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(1);
      return;
    }
    console.error(`medicine-api: worker ${worker.process.pid} died (${signal ?? code}); starting another`);
    cluster.fork();
  });
  const listened = new Set<number>();
  cluster.on('listening', (worker) => {
    listened.add(worker.id);
    // The others start once the first serves: started together they share the cores
    // while loading, and the first reply comes later (1.2 s instead of 0.75 s on two
    // cores); a setup that cannot work also fails in one worker rather than in all.
    if (listened.size === 1 && !stopping) {
      for (let i = 1; i < config.workers; i++) cluster.fork();
    }
  });
  const stop = () => {
    if (stopping) return;
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  cluster.fork();
}

const config = readConfig();
// libuv sizes its thread pool from this when the pool is first used. The built server
// (dist/main.cjs, CommonJS) has used no pool thread yet at this point, so it takes effect
// there and in the workers it forks; an ES module entry (the sources under tsx) has
// already started the pool to read its modules.
process.env.UV_THREADPOOL_SIZE = String(config.threadPoolSize);
// @napi-rs/canvas allocates with its own mimalloc, which reads its options from the
// environment when the first captcha thread loads it, after this line (worker threads share
// the process's environment). With transparent huge pages, each picture's pixels, read back
// for the JPEG encoder, faulted in and zeroed a fresh 2 MB page: half of a drawing's CPU.
process.env.MIMALLOC_ALLOW_THP = config.canvasHugePages ? '1' : '0';
if (config.workers > 1 && cluster.isPrimary) {
  supervise(config).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
} else serve(config).catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
