import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { ThreadedCaptchaRenderer } from '../../src/captcha/threaded-renderer.js';
import { ROOT } from '../helpers/server-process.js';

/** Pixels dark enough to be ink (characters and curves), in a decoded captcha. */
async function inkOf(picture: string): Promise<number> {
  const decoded = await loadImage(Buffer.from(picture, 'latin1'));
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
  const renderer = new ThreadedCaptchaRenderer(2);
  after(() => renderer.close());

  it('draws 120×44 pictures at twice their size (240×88), JPEGs of under 6 KB, on its worker threads', async () => {
    // The bytes as they cross from a thread: one character per byte.
    const image = Buffer.from(await renderer.render('7KQX'), 'latin1');
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
      assert.deepEqual(
        [...Buffer.from(image, 'latin1').subarray(0, 3)],
        [0xff, 0xd8, 0xff],
        'JPEG signature',
      );
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
