import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CaptchaRenderer, Picture } from '../../src/captcha/captcha-renderer.js';
import { ThreadedCaptchaRenderer } from '../../src/captcha/threaded-renderer.js';
import { API, newUuid, startTestApp, type TestApp } from '../helpers/app.js';

/** The real threaded renderer, keeping every picture it drew (to tell drawn from handed out). */
class RecordingRenderer implements CaptchaRenderer {
  readonly contentType = 'image/jpeg' as const;
  /** Picture (its bytes in hex, to compare with a served one) → its text. */
  readonly drawn = new Map<string, string>();
  /** How many pictures each batch asked for, in order. */
  readonly batches: number[] = [];
  /** Batches being drawn now, and the most there ever were at once. */
  atOnce = 0;
  mostAtOnce = 0;
  private readonly inner = new ThreadedCaptchaRenderer(2, 2000);
  readonly parallelism = this.inner.parallelism;

  async render(text: string): Promise<Picture> {
    const image = await this.inner.render(text);
    this.drawn.set(image.bytes().toString('hex'), text);
    return image;
  }

  async renderBatch(texts: readonly string[]): Promise<Picture[]> {
    this.batches.push(texts.length);
    this.atOnce += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.atOnce);
    const images = await this.inner.renderBatch(texts).finally(() => (this.atOnce -= 1));
    images.forEach((image, i) => this.drawn.set(image.bytes().toString('hex'), texts[i]!));
    return images;
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Polls `condition` until it holds; fails after `ms` (a bound on a test hanging, not a speed check). */
async function eventually(condition: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function imageCode(t: TestApp, uuid = newUuid()) {
  const response = await t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${uuid}` });
  assert.equal(response.statusCode, 200);
  assert.equal(response.headers['content-type'], 'image/jpeg');
  return { uuid, text: String(response.headers['x-captcha-text']), image: response.rawPayload };
}

describe('captchas drawn ahead (CAPTCHA_POOL_SIZE)', () => {
  const POOL = 40;
  let renderer: RecordingRenderer;
  let t: TestApp;
  const lines: string[] = [];
  before(async () => {
    renderer = new RecordingRenderer();
    t = await startTestApp(
      // 8 characters: 31^8 texts, so that two equal texts would mean a pair handed out twice.
      {
        CAPTCHA_POOL_SIZE: String(POOL),
        IMAGE_CODE_LENGTH: '8',
        CAPTCHA_PER_IP_PER_MINUTE: '100000',
        LOG_LEVEL: 'trace',
        METRICS_TOKEN: 'pool-metrics-token-0123',
      },
      { captchaRenderer: renderer, logStream: { write: (line) => lines.push(line) } },
    );
  });
  after(async () => {
    await t.close();
    await renderer.close();
  });

  it('fills the pool on its own soon after start-up, to its size and no further', async () => {
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool filled');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(t.app.services.captchas.readyCount, POOL);
    assert.equal(renderer.drawn.size, POOL, 'a full pool, nothing more');
    // One batch per drawing thread at a time: neither thread waited for the other's batch,
    // and no batch queued behind them.
    assert.equal(renderer.parallelism, 2);
    assert.equal(renderer.mostAtOnce, 2, 'both threads drew at once while the pool filled');
    const first = await imageCode(t);
    assert.equal(renderer.drawn.get(first.image.toString('hex')), first.text);
  });

  it('hands a ready pair out in place of drawing, and refills what was taken', async () => {
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool full');
    const drawnBefore = renderer.drawn.size;
    const taken = [];
    for (let i = 0; i < 10; i++) taken.push(await imageCode(t));
    for (const captcha of taken) {
      assert.equal(renderer.drawn.get(captcha.image.toString('hex')), captcha.text, 'a picture of its text');
    }
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool refilled');
    assert.ok(renderer.drawn.size > drawnBefore, 'the refill drew new pairs');
    // A pair handed out answers its captcha, once.
    const [one] = taken;
    assert.ok(one);
    assert.equal((await t.app.services.captchas.checkCaptcha(one.uuid, one.text)).ok, true);
    assert.equal((await t.app.services.captchas.checkCaptcha(one.uuid, one.text)).ok, false);
  });

  it('never hands the same pair out twice, under hundreds of requests at once, drawing inline once empty', async () => {
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool full');
    const before = t.app.services.captchas.poolStats();
    const served = await Promise.all(Array.from({ length: 400 }, () => imageCode(t)));
    const after = t.app.services.captchas.poolStats();
    assert.equal(after.fromPool + after.drawnInline - before.fromPool - before.drawnInline, 400);
    assert.ok(
      after.drawnInline - before.drawnInline >= 400 - POOL - 16 * renderer.parallelism,
      'the rest were drawn inline',
    );
    assert.ok(after.ranEmpty > before.ranEmpty, 'the pool running empty is counted');
    const texts = new Set(served.map((c) => c.text));
    const images = new Set(served.map((c) => c.image.toString('hex')));
    assert.equal(texts.size, served.length, 'every text handed out once');
    assert.equal(images.size, served.length, 'every picture handed out once');
    for (const captcha of served) {
      assert.equal(
        renderer.drawn.get(captcha.image.toString('hex')),
        captcha.text,
        'each picture shows its text',
      );
    }
    // At most POOL (+ a batch in flight per thread) were ready: the rest were drawn for their request.
    assert.ok(served.length > POOL + 16 * renderer.parallelism);
    // Each still answers its own captcha (and only its own).
    const sample = served.slice(0, 20);
    for (const captcha of sample) {
      assert.equal((await t.app.services.captchas.checkCaptcha(captcha.uuid, captcha.text)).ok, true);
    }
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool refilled after the burst');
  });

  it('/metrics says how many captchas came from the pool, how many were drawn inline, and how often it ran empty', async () => {
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool full');
    const before = t.app.services.captchas.poolStats();
    for (let i = 0; i < 5; i++) await imageCode(t);
    const stats = t.app.services.captchas.poolStats();
    assert.equal(stats.fromPool, before.fromPool + 5, 'a full pool hands out without drawing');
    assert.equal(stats.drawnInline, before.drawnInline);
    const text = (
      await t.app.inject({ url: '/metrics', headers: { authorization: 'Bearer pool-metrics-token-0123' } })
    ).body;
    assert.match(
      text,
      new RegExp(`^medicine_captcha_pool_taken_total\\{source="pool"\\} ${stats.fromPool}$`, 'm'),
    );
    assert.match(
      text,
      new RegExp(`^medicine_captcha_pool_taken_total\\{source="inline"\\} ${stats.drawnInline}$`, 'm'),
    );
    assert.match(text, new RegExp(`^medicine_captcha_pool_ran_empty_total ${stats.ranEmpty}$`, 'm'));
    assert.match(text, /^medicine_captcha_pool_ready \d+$/m);
    // Later tests count what the renderer draws: the refill of these five is done first.
    await eventually(() => t.app.services.captchas.readyCount === POOL, 'the pool refilled');
  });

  it('logs nothing of a pair, drawn ahead or on request', async () => {
    const texts = [...renderer.drawn.values()];
    assert.ok(texts.length > POOL);
    assert.ok(lines.length > 0, 'the log at trace level has lines');
    const log = lines.join('\n');
    for (const text of texts) assert.ok(!log.includes(text), 'a captcha text in the log');
  });

  it('keeps nothing ready with CAPTCHA_POOL_SIZE=0: each captcha is drawn on request', async () => {
    const off = await startTestApp({ CAPTCHA_POOL_SIZE: '0' }, { captchaRenderer: renderer });
    try {
      const drawnBefore = renderer.drawn.size;
      const captcha = await imageCode(off);
      assert.equal(renderer.drawn.get(captcha.image.toString('hex')), captcha.text);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(off.app.services.captchas.readyCount, 0);
      assert.equal(renderer.drawn.size, drawnBefore + 1);
    } finally {
      await off.close();
    }
  });

  it('draws the requests that find it empty at the same moment together, each its own picture', async () => {
    const off = await startTestApp(
      { CAPTCHA_POOL_SIZE: '0', IMAGE_CODE_LENGTH: '8', CAPTCHA_PER_IP_PER_MINUTE: '100000' },
      { captchaRenderer: renderer },
    );
    try {
      const batchesBefore = renderer.batches.length;
      const served = await Promise.all(Array.from({ length: 48 }, () => imageCode(off)));
      const batches = renderer.batches.slice(batchesBefore);
      // One message to a thread per batch of up to 16, not one per picture.
      assert.ok(batches.length <= 4, `48 pictures in ${batches.length} batches`);
      assert.equal(
        batches.reduce((sum, n) => sum + n, 0),
        48,
        'as many drawn as asked for, none ahead',
      );
      assert.equal(new Set(served.map((c) => c.text)).size, 48, 'every text handed out once');
      for (const captcha of served) {
        assert.equal(renderer.drawn.get(captcha.image.toString('hex')), captcha.text, 'its own picture');
        assert.equal((await off.app.services.captchas.checkCaptcha(captcha.uuid, captcha.text)).ok, true);
      }
    } finally {
      await off.close();
    }
  });

  it(
    'fails the requests waiting on a batch that failed (none hangs), and serves the next ones',
    { timeout: 30_000 },
    async () => {
      let failing = true;
      const flaky: CaptchaRenderer = {
        contentType: 'image/jpeg',
        render: (text) => renderer.render(text),
        renderBatch: async (texts) => {
          if (failing) throw new Error('the drawing thread died');
          return renderer.renderBatch(texts);
        },
      };
      const off = await startTestApp(
        { CAPTCHA_POOL_SIZE: '0', CAPTCHA_PER_IP_PER_MINUTE: '100000' },
        { captchaRenderer: flaky },
      );
      try {
        const replies = await Promise.all(
          Array.from({ length: 20 }, () => off.app.inject({ url: `${API}/imageCode?uuid=${newUuid()}` })),
        );
        assert.deepEqual(
          replies.map((r) => [r.statusCode, r.json<{ re_code: string }>().re_code]),
          replies.map(() => [500, '4500']),
        );
        failing = false;
        const captcha = await imageCode(off);
        assert.equal(renderer.drawn.get(captcha.image.toString('hex')), captcha.text);
      } finally {
        await off.close();
      }
    },
  );

  it('under a flood from many addresses, refuses at once what CAPTCHA_MAX_WAITING cannot queue (REQERR captchaBusy), and serves the rest', async () => {
    const flooded = await startTestApp(
      {
        CAPTCHA_POOL_SIZE: '0',
        CAPTCHA_MAX_WAITING: '10',
        CAPTCHA_PER_IP_PER_MINUTE: '5',
        METRICS_TOKEN: 'pool-metrics-token-0123',
      },
      { captchaRenderer: renderer },
    );
    try {
      // 60 requests at once, each from its own address (well within the per-address limit).
      const replies = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          flooded.app.inject({
            url: `${API}/imageCode?uuid=${newUuid()}`,
            remoteAddress: `10.0.${Math.floor(i / 200)}.${i % 200}`,
          }),
        ),
      );
      const images = replies.filter((r) => r.headers['content-type'] === 'image/jpeg');
      const refused = replies.filter((r) => r.headers['content-type'] !== 'image/jpeg');
      assert.equal(images.length, 10, 'as many drawn as may wait');
      assert.equal(refused.length, 50);
      for (const reply of refused) {
        assert.equal(reply.statusCode, 200);
        assert.deepEqual(
          [
            reply.json<{ re_code: string; reason: string }>().re_code,
            reply.json<{ reason: string }>().reason,
          ],
          ['4201', 'captchaBusy'],
        );
        assert.equal(reply.headers['retry-after'], '1');
      }
      const metrics = await flooded.app.inject({
        url: '/metrics',
        headers: { authorization: 'Bearer pool-metrics-token-0123' },
      });
      assert.match(metrics.body, /^medicine_captcha_pool_refused_total 50$/m);
      // The queue drained: the next request is served.
      const after = await imageCode(flooded);
      assert.equal(renderer.drawn.get(after.image.toString('hex')), after.text);
    } finally {
      await flooded.close();
    }
  });
});
