import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadImage } from '@napi-rs/canvas';
import { CanvasCaptchaRenderer } from '../../src/captcha/canvas-renderer.js';
import { ManualClock } from '../../src/clock.js';
import { CAPTCHA_ALPHABET } from '../../src/services/captcha.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import {
  API,
  assertRet,
  drawCaptcha,
  newPhone,
  newUuid,
  post,
  startTestApp,
  type TestApp,
} from '../helpers/app.js';

describe('GET /imageCode', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  const get = (query: string) => t.app.inject({ method: 'GET', url: `${API}/imageCode${query}` });
  const trySms = (uuid: string, text: string) =>
    post(t.app, '/smsCode', { phone: newPhone(), img_code_client: text, uuid });

  it('answers a JPEG picture of a 4-character code without look-alikes, never cached', async () => {
    const response = await get(`?uuid=${newUuid()}`);
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'image/jpeg');
    assert.equal(response.headers['cache-control'], 'no-store');
    const image = await loadImage(response.rawPayload);
    // Shown at 120×44 CSS pixels, drawn at twice that for sharp screens.
    assert.equal(image.width, 240);
    assert.equal(image.height, 88);
    const text = String(response.headers['x-captcha-text']);
    assert.match(text, new RegExp(`^[${CAPTCHA_ALPHABET}]{4}$`));
    assert.doesNotMatch(CAPTCHA_ALPHABET, /[01OIL]/);
  });

  it('accepts the seed example uuid=123&last_uuid="" and any 1–64 characters of [A-Za-z0-9_-]', async () => {
    for (const query of [
      '?uuid=123&last_uuid=""',
      '?uuid=123&last_uuid=',
      `?uuid=${'a'.repeat(64)}`,
      '?uuid=A_b-9',
    ]) {
      const response = await get(query);
      assert.equal(response.statusCode, 200, query);
      assert.equal(response.headers['content-type'], 'image/jpeg', query);
    }
    const unknownLast = await get(`?uuid=${newUuid()}&last_uuid=never-issued`);
    assert.equal(unknownLast.headers['content-type'], 'image/jpeg');
  });

  it('refuses a missing, empty, too long, repeated or oddly spelled uuid with JSON PARAMERR', async () => {
    for (const query of [
      '',
      '?uuid=',
      `?uuid=${'a'.repeat(65)}`,
      '?uuid=a&uuid=b',
      '?uuid=a%20b',
      '?uuid=%E4%BD%A0',
      '?uuid=a.b',
      `?uuid=ok&last_uuid=${'x'.repeat(67)}`,
    ]) {
      assertRet(await get(query), '4103');
    }
  });

  it('forgets the captcha named by last_uuid', async () => {
    const first = newUuid();
    const text = await drawCaptcha(t.app, first);
    assert.equal((await get(`?uuid=${newUuid()}&last_uuid=${first}`)).statusCode, 200);
    assertRet(await trySms(first, text), '4002');
  });

  it('replaces the code when the same uuid asks again', async () => {
    const uuid = newUuid();
    let first = await drawCaptcha(t.app, uuid);
    let second = await drawCaptcha(t.app, uuid);
    while (second === first) {
      first = second;
      second = await drawCaptcha(t.app, uuid);
    }
    assertRet(await trySms(uuid, first), '4004');
  });

  it('keeps a code for 300 seconds and no longer', async () => {
    const fresh = newUuid();
    const text = await drawCaptcha(t.app, fresh);
    t.clock.advance(299_000);
    assertRet(await trySms(fresh, text), '0');

    const stale = newUuid();
    const staleText = await drawCaptcha(t.app, stale);
    t.clock.advance(300_000);
    assertRet(await trySms(stale, staleText), '4002');
  });

  it('draws a different picture each time, even for the same text length', async () => {
    const a = await get(`?uuid=${newUuid()}`);
    const b = await get(`?uuid=${newUuid()}`);
    assert.notDeepEqual(a.rawPayload, b.rawPayload);
  });
});

describe('GET /imageCode with the in-process store full', () => {
  it('refuses new captchas (DBERR) before any counter is lost, and serves again once they expire', async () => {
    const clock = new ManualClock(Date.now());
    const store = new MemoryStore(clock, 30_000, 1000);
    const t = await startTestApp(
      { CAPTCHA_PER_IP_PER_MINUTE: '100000' },
      { clock, keyValueStore: store, captchaRenderer: new CanvasCaptchaRenderer() },
    );
    try {
      const get = () => t.app.inject({ method: 'GET', url: `${API}/imageCode?uuid=${newUuid()}` });
      let served = 0;
      for (;;) {
        const response = await get();
        if (response.headers['content-type'] !== 'image/jpeg') {
          assertRet(response, '4001');
          break;
        }
        served += 1;
        assert.ok(served < 1000, 'never refused');
      }
      // 90% of the bound: the per-IP counter and 899 captchas.
      assert.equal(served, 899);
      // The per-IP counter was counted for the refused request too: nothing forgot it.
      assert.equal(await store.get('captcha:ip:127.0.0.1'), String(served + 1));
      clock.advance(300_000);
      assert.equal((await get()).headers['content-type'], 'image/jpeg', 'expired captchas swept, room again');
    } finally {
      await t.close();
    }
  });
});
