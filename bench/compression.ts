// `node --import tsx bench/compression.ts [--rounds N]`: what compressing a large JSON reply
// costs the server's CPU. Asks GET /api/1.0/openapi.json (the largest JSON reply, ~100 KB)
// in-process, in turns without and with brotli and gzip, and prints CPU time per reply
// (process.cpuUsage) and bytes, and the ratio against the uncompressed reply, from the same run.
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' } } });
const rounds = Math.max(1, Math.min(100_000, Number(values.rounds)));
const app = await buildApp(
  loadConfig({ DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'warn' }, { sms: false, secret: false }),
);
const encodings = ['identity', 'br', 'gzip'] as const;
const cpu = { identity: 0, br: 0, gzip: 0 };
const bytes = { identity: 0, br: 0, gzip: 0 };
try {
  for (const encoding of encodings) {
    await app.inject({
      method: 'GET',
      url: '/api/1.0/openapi.json',
      headers: { 'accept-encoding': encoding },
    });
  }
  for (let i = 0; i < rounds; i++) {
    for (const encoding of encodings) {
      const start = process.cpuUsage();
      const reply = await app.inject({
        method: 'GET',
        url: '/api/1.0/openapi.json',
        headers: { 'accept-encoding': encoding },
      });
      const used = process.cpuUsage(start);
      cpu[encoding] += used.user + used.system;
      bytes[encoding] = reply.rawPayload.length;
    }
  }
} finally {
  await app.close();
}
console.log(`GET /api/1.0/openapi.json, ${rounds} rounds, in-process (app.inject)`);
for (const encoding of encodings) {
  const perReply = cpu[encoding] / rounds;
  console.log(
    `- ${encoding}: ${(perReply / 1000).toFixed(2)} ms CPU per reply (×${(perReply / (cpu.identity / rounds)).toFixed(2)}), ${bytes[encoding]} bytes (${((100 * bytes[encoding]) / bytes.identity).toFixed(1)}%)`,
  );
}
