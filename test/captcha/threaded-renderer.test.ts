import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { StringPicture, type Picture } from '../../src/captcha/captcha-renderer.js';
import { ThreadedCaptchaRenderer } from '../../src/captcha/threaded-renderer.js';
import { ROOT } from '../helpers/server-process.js';

/** Pixels dark enough to be ink (characters and curves), in a decoded captcha. */
async function inkOf(picture: Picture): Promise<number> {
  const decoded = await loadImage(picture.bytes());
  const canvas = createCanvas(decoded.width, decoded.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(decoded, 0, 0);
  const { data } = ctx.getImageData(0, 0, decoded.width, decoded.height);
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) {
    if ((data[i] ?? 255) + (data[i + 1] ?? 255) + (data[i + 2] ?? 255) < 300) dark += 1;
  }
  return dark;
}

describe('the threaded captcha renderer', () => {
  const renderer = new ThreadedCaptchaRenderer(2, 64);
  after(() => renderer.close());

  it('draws 120×44 pictures at twice their size (240×88), JPEGs of under 6 KB, on its worker threads', async () => {
    const image = (await renderer.render('7KQX')).bytes();
    assert.deepEqual([...image.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG signature');
    assert.ok(image.length < 6144, `${image.length} bytes`);
    const decoded = await loadImage(image);
    assert.deepEqual([decoded.width, decoded.height], [240, 88]);
  });

  it('answers each of many requests at once with the picture of its own text', async () => {
    // Asked for at once, these are drawn on both threads at once; a mix-up between
    // requests would show one character where eight were asked for, or the reverse.
    const texts = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 'W' : 'WWWWWWWW'));
    const images = await Promise.all(texts.map((text) => renderer.render(text)));
    const ink = await Promise.all(images.map(inkOf));
    for (let i = 0; i < texts.length; i += 2) {
      assert.ok(
        (ink[i + 1] ?? 0) > 1.3 * (ink[i] ?? 0),
        `image ${i}: ${ink[i]} vs ${ink[i + 1]} dark pixels`,
      );
    }
  });

  it('draws a batch on one thread and gives the pictures back in the order of their texts', async () => {
    const texts = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'W' : 'WWWWWWWW'));
    const images = await renderer.renderBatch(texts);
    assert.equal(images.length, texts.length);
    const ink = await Promise.all(images.map(inkOf));
    for (let i = 0; i < texts.length; i += 2) {
      assert.ok(
        (ink[i + 1] ?? 0) > 1.3 * (ink[i] ?? 0),
        `image ${i}: ${ink[i]} vs ${ink[i + 1]} dark pixels`,
      );
    }
    for (const image of images)
      assert.deepEqual([...image.bytes().subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG signature');
  });

  it('closing while both threads draw draws every batch asked for, refuses later ones, and never aborts the process', async () => {
    // Piscina's own close stopped a thread in the middle of a batch and failed the batches
    // still queued; a thread stopped inside libjpeg-turbo's binding aborted the whole process.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'test/helpers/close-renderer-while-drawing.ts', '12'],
      { cwd: ROOT },
    );
    const report = JSON.parse(stdout) as Record<string, number>;
    assert.equal(report.lost, 0, stdout);
    assert.equal(report.refusedAfterClose, 12, stdout);
    assert.ok((report.batches ?? 0) >= 24, stdout);
  });
});

describe('the pictures of the threaded renderer, in memory shared with its threads', () => {
  const texts = Array.from({ length: 16 }, (_, i) => (i % 2 === 0 ? 'W' : 'WWWWWWWW'));

  it('a picture held is never drawn over, however many are drawn and released after it', async () => {
    const renderer = new ThreadedCaptchaRenderer(2, 32);
    try {
      const held = await renderer.renderBatch(texts);
      assert.ok(
        held.every((picture) => !(picture instanceof StringPicture)),
        'written into slots',
      );
      const before = held.map((picture) => picture.bytes().toString('hex'));
      // The other 16 slots are drawn into and given back over and over meanwhile.
      for (let round = 0; round < 20; round++) {
        for (const picture of await renderer.renderBatch(texts)) picture.release();
      }
      assert.deepEqual(
        held.map((picture) => picture.bytes().toString('hex')),
        before,
      );
      const ink = await Promise.all(held.map(inkOf));
      for (let i = 0; i < texts.length; i += 2) assert.ok((ink[i + 1] ?? 0) > 1.3 * (ink[i] ?? 0));
      for (const picture of held) picture.release();
    } finally {
      await renderer.close();
    }
  });

  it('a thread with nothing to draw for `idleMs` exits, and the next batch starts one again', async () => {
    const renderer = new ThreadedCaptchaRenderer(2, 32, { idleMs: 300 });
    try {
      assert.equal(renderer.threadCount, 0, 'no thread before anything is drawn');
      (await renderer.renderBatch(texts.slice(0, 4))).forEach((picture) => picture.release());
      assert.ok(renderer.threadCount >= 1);
      const deadline = Date.now() + 10_000;
      while (renderer.threadCount > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.equal(renderer.threadCount, 0, 'the idle threads exited');
      const again = await renderer.renderBatch(texts.slice(0, 4));
      assert.ok(renderer.threadCount >= 1, 'a thread started for the batch');
      const ink = await Promise.all(again.map(inkOf));
      assert.ok((ink[1] ?? 0) > 1.3 * (ink[0] ?? 0), 'each picture still its own text');
      for (const picture of again) picture.release();
    } finally {
      await renderer.close();
    }
  });

  it('a batch that finds too few free slots crosses as strings, each picture still its own text', async () => {
    const renderer = new ThreadedCaptchaRenderer(2, 8);
    try {
      const pictures = await renderer.renderBatch(texts);
      assert.ok(pictures.every((picture) => picture instanceof StringPicture));
      const ink = await Promise.all(pictures.map(inkOf));
      for (let i = 0; i < texts.length; i += 2) assert.ok((ink[i + 1] ?? 0) > 1.3 * (ink[i] ?? 0));
      // The slots were not taken by that batch: a batch that fits goes into them.
      const fits = await renderer.renderBatch(texts.slice(0, 8));
      assert.ok(fits.every((picture) => !(picture instanceof StringPicture)));
      for (const picture of [...pictures, ...fits]) picture.release();
    } finally {
      await renderer.close();
    }
  });
});
