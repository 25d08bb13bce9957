import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openDatabase } from '../../src/db/open-database.js';
import { openKeyValueStore } from '../../src/store/open-store.js';
import { startTestApp, testConfig } from '../helpers/app.js';
import { countDatabaseWrites, countStoreWrites } from '../helpers/counting.js';

const PATHS = [
  '/imageCode',
  '/smsCode',
  '/register',
  '/sessions',
  '/sessions/0123456789abcdef',
  '/users',
  '/passwords',
  '/passwords/reset',
  '/experts',
  '/experts/1',
  '/admin/users/1',
  '/audit',
  '/test/sms',
  '/nothing',
  '',
];
const FIELDS = [
  'phone',
  'img_code_client',
  'uuid',
  'phone_code',
  'password',
  'password2',
  'types',
  'last_uuid',
];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
];

const phoneLike = fc.oneof(
  fc.constantFrom('13812345678', '+8613812345678', '8613812345678', '1381234567', '23812345678'),
  fc.stringMatching(/^1[3-9]\d{9}$/),
);
const fieldValue = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: phoneLike },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, 13812345678, [], {}, 'patient', 'expert', '') },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 20_000 }) },
);
const body = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.dictionary(fc.constantFrom(...FIELDS), fieldValue).map((o) => JSON.stringify(o)),
  },
  { weight: 1, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const query = fc
  .array(fc.tuple(fc.constantFrom(...FIELDS, 'x'), fc.string({ maxLength: 80 })), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  path: fc.constantFrom(...PATHS),
  query,
  body,
  contentType: fc.constantFrom(...CONTENT_TYPES),
  origin: fc.option(fc.constantFrom('http://127.0.0.1:5000', 'https://evil.example', 'null', 'garbage'), {
    nil: undefined,
  }),
  cookie: fc.option(fc.string({ maxLength: 100 }), { nil: undefined }),
  acceptLanguage: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
});

/**
 * Throws `runs` generated requests at every endpoint: never a 5xx, always the
 * contract's JSON (or the captcha image), and a refused input changes no stored state.
 */
export async function fuzzEndpoints(runs: number, seed?: number): Promise<number> {
  const config = testConfig();
  const store = countStoreWrites(await openKeyValueStore(config, { now: () => Date.now() }));
  const database = countDatabaseWrites(await openDatabase(config));
  const t = await startTestApp({}, { keyValueStore: store.wrapped, database: database.wrapped });
  let ran = 0;
  try {
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        ran += 1;
        const writesBefore = store.writes() + database.writes();
        const headers: Record<string, string> = { host: '127.0.0.1:5000' };
        if (r.contentType !== '' && r.body !== undefined) headers['content-type'] = r.contentType;
        if (r.origin !== undefined) headers.origin = r.origin;
        if (r.acceptLanguage !== undefined) headers['accept-language'] = r.acceptLanguage;
        const response = await t.app.inject({
          method: r.method as 'GET',
          url: `/api/1.0${r.path}${r.query ? `?${r.query}` : ''}`,
          headers,
          ...(r.cookie !== undefined ? { cookies: { session: r.cookie } } : {}),
          ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { payload: r.body } : {}),
        });
        assert.ok(response.statusCode < 500, `HTTP ${response.statusCode}: ${response.body.slice(0, 200)}`);
        const type = String(response.headers['content-type'] ?? '');
        if (r.method === 'HEAD' || r.method === 'OPTIONS') return;
        if (type === 'image/jpeg') {
          assert.equal(r.path, '/imageCode');
          assert.equal(response.statusCode, 200);
          return;
        }
        assert.match(type, /^application\/json/);
        const reply = response.json() as { re_code: unknown; msg: unknown };
        assert.equal(typeof reply.re_code, 'string');
        assert.equal(typeof reply.msg, 'string');
        if (reply.re_code === '4103' || response.statusCode >= 400) {
          assert.equal(
            store.writes() + database.writes(),
            writesBefore,
            'a refused input changed stored state',
          );
        }
      }),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
    );
  } finally {
    await t.close();
    await store.wrapped.close();
    await database.wrapped.close();
  }
  return ran;
}
