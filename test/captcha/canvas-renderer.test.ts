import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadImage } from '@napi-rs/canvas';
import { CanvasCaptchaRenderer } from '../../src/captcha/canvas-renderer.js';
import { CAPTCHA_ALPHABET } from '../../src/services/captcha.js';
import { randomText } from '../../src/services/secrets.js';

describe('the canvas captcha renderer', () => {
  const renderer = new CanvasCaptchaRenderer();

  it('draws a 120×44 picture at twice its size (240×88), a JPEG of under 6 KB every time', async () => {
    const texts = ['7KQX', 'WMWM', 'A3B8', '2345'];
    for (let i = 0; i < 50; i++) texts.push(randomText(CAPTCHA_ALPHABET, 4));
    for (const text of texts) {
      const image = await renderer.render(text);
      assert.deepEqual([...image.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG signature');
      assert.ok(image.length < 6144, `${text}: ${image.length} bytes`);
      const decoded = await loadImage(image);
      assert.deepEqual([decoded.width, decoded.height], [240, 88]);
    }
  });

  it('puts ink on the picture where the characters go', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const decoded = await loadImage(await renderer.render('WMWM'));
    const canvas = createCanvas(120, 44);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(decoded, 0, 0, 120, 44);
    const { data } = ctx.getImageData(0, 0, 120, 44);
    let dark = 0;
    for (let i = 0; i < data.length; i += 4) {
      if ((data[i] ?? 255) + (data[i + 1] ?? 255) + (data[i + 2] ?? 255) < 300) dark += 1;
    }
    assert.ok(dark > 300, `${dark} dark pixels: the text was drawn with the shipped font`);
  });
});
