// `node --import tsx scripts/openapi-document.ts [file]`: writes the OpenAPI document of a built app
// (no server, no network: an in-memory SQLite and the in-process store), test hooks included,
// as `npm run lint:api` and `npm run api:types` read it. Without a file, it goes to stdout.
import fs from 'node:fs';
import path from 'node:path';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: 'sqlite::memory:',
    REDIS_URL: '',
    MEDICINE_SECRET: 'openapi-document-openapi-document-000000',
    MEDICINE_TEST_HOOKS: '1',
    CAPTCHA_THREADS: '0',
    LOG_LEVEL: 'silent',
  });
  const app = await buildApp(config);
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const text = `${JSON.stringify(await openApiDocument(), null, 2)}\n`;
  const file = process.argv[2];
  if (file === undefined) process.stdout.write(text);
  else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
}
