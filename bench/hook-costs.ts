// `node --import tsx bench/hook-costs.ts [--rounds 7]`: the per-request work of each layer
// that issue 18 changed, old form against new, in this process: the request id, the request's
// logger, the latency observation and the API headers. Each is run in a tight loop (1e6 times
// after a warm-up), old and new in turn, `--rounds` times; the best (least CPU) round of each
// counts, since other people's load only ever adds time. What Fastify itself spends to call a
// hook is not in these figures (bench/hooks.ts measures whole requests). See bench/README.md.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Histogram, Registry } from 'prom-client';
import { lazyChildLogger, requestIdGenerator } from '../src/http/request-logging.js';
import { PrometheusMetrics } from '../src/metrics/prometheus.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' } } });
const rounds = Number(values.rounds);
const N = 1_000_000;

const devNull = fs.createWriteStream('/dev/null');
const logger = pino(
  {
    level: 'warn',
    redact: {
      paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      censor: '[redacted]',
    },
  },
  devNull,
);
const request = { headers: {} } as IncomingMessage;

// Old forms, as in main before (src/app.ts, src/metrics/prometheus.ts, src/http/plugins/metrics.ts).
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const oldId = (req: IncomingMessage) => {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
};
const newId = requestIdGenerator();
const histogram = new Histogram({
  name: 'old_seconds',
  help: 'old',
  labelNames: ['route', 'method', 'status'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [new Registry()],
});
const oldSeries = new Map<string, { observe(v: number): void }>();
const oldObserve = (route: string, method: string, status: number, seconds: number) => {
  const key = `${method} ${status} ${route}`;
  let series = oldSeries.get(key);
  if (series === undefined) {
    series = histogram.labels({ route, method, status: String(status) });
    oldSeries.set(key, series);
  }
  series.observe(seconds);
};
const metrics = new PrometheusMetrics();
const byStatus = new Map<number, ReturnType<PrometheusMetrics['requestSeries']>>();
const newObserve = (status: number, seconds: number) => {
  let series = byStatus.get(status);
  if (series === undefined) byStatus.set(status, (series = metrics.requestSeries('/healthz', 'GET', status)));
  series.observe(seconds);
};
// Headers: the old onSend set an object's worth through reply.headers(); the new hook a fixed list.
const API_HEADERS = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
});
const LIST: ReadonlyArray<readonly [string, string]> = [
  ...Object.entries(API_HEADERS),
  ['cache-control', 'no-store'],
];
class FakeReply {
  h: Record<string, string> = {};
  header(name: string, value: string) {
    this.h[name.toLowerCase()] = value;
    return this;
  }
  headers(all: Record<string, string>) {
    for (const name of Object.keys(all)) this.header(name, all[name] as string);
    return this;
  }
  hasHeader(name: string) {
    return this.h[name.toLowerCase()] !== undefined;
  }
}

let sink: unknown;
const layers: { name: string; old: (i: number) => void; now: (i: number) => void }[] = [
  { name: 'request id', old: () => (sink = oldId(request)), now: () => (sink = newId(request)) },
  {
    name: 'request logger (nothing logged)',
    old: (i) => (sink = logger.child({ reqId: i })),
    now: (i) => (sink = lazyChildLogger.call(undefined as never, logger, { reqId: i }, {}, request)),
  },
  {
    name: 'request logger + one info call (off)',
    old: (i) => logger.child({ reqId: i }).info({ a: 1 }, 'x'),
    now: (i) =>
      lazyChildLogger.call(undefined as never, logger, { reqId: i }, {}, request).info({ a: 1 }, 'x'),
  },
  {
    name: 'latency observation',
    old: (i) => oldObserve('/healthz', 'GET', 200, (i % 100) / 10_000),
    now: (i) => newObserve(200, (i % 100) / 10_000),
  },
  {
    name: 'API headers',
    old: (i) => {
      const reply = new FakeReply();
      reply.header('x-request-id', String(i));
      reply.headers(API_HEADERS);
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      sink = reply;
    },
    now: (i) => {
      const reply = new FakeReply();
      reply.header('x-request-id', String(i));
      for (const [name, value] of LIST) reply.header(name, value);
      sink = reply;
    },
  },
];

/** CPU nanoseconds per call of `f`, over N calls. */
function cost(f: (i: number) => void): number {
  const before = process.cpuUsage();
  for (let i = 0; i < N; i++) f(i);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) * 1000) / N;
}

for (const layer of layers) {
  for (let i = 0; i < 100_000; i++) {
    layer.old(i);
    layer.now(i);
  }
}
const results = layers.map(() => ({ old: Infinity, now: Infinity }));
for (let round = 0; round < rounds; round++) {
  layers.forEach((layer, i) => {
    const r = results[i]!;
    r.old = Math.min(r.old, cost(layer.old));
    r.now = Math.min(r.now, cost(layer.now));
  });
}
void sink;
console.log(
  `per-request work of each changed layer, CPU ns per call (best of ${rounds} rounds × ${N}), ` +
    `${new Date().toISOString()}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
);
layers.forEach((layer, i) => {
  const r = results[i]!;
  console.log(
    `  ${layer.name.padEnd(38)} old ${r.old.toFixed(0).padStart(5)} ns   new ${r.now.toFixed(0).padStart(5)} ns   new÷old ${(r.now / r.old).toFixed(2)}`,
  );
});
