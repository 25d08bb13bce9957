import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadImage, type SKRSContext2D } from '@napi-rs/canvas';
import { CanvasCaptchaRenderer } from '../../src/captcha/canvas-renderer.js';
import { glyphOf } from '../../src/captcha/draw-captcha.js';
import { CAPTCHA_FONT_FILE } from '../../src/paths.js';
import { CAPTCHA_ALPHABET } from '../../src/services/captcha.js';
import { randomText } from '../../src/services/secrets.js';

describe('the canvas captcha renderer', () => {
  const renderer = new CanvasCaptchaRenderer();

  it('draws a 120×44 picture at twice its size (240×88), a JPEG of under 6 KB every time', async () => {
    const texts = ['7KQX', 'WMWM', 'A3B8', '2345'];
    for (let i = 0; i < 50; i++) texts.push(randomText(CAPTCHA_ALPHABET, 4));
    for (const text of texts) {
      const image = (await renderer.render(text)).bytes();
      assert.deepEqual([...image.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG signature');
      assert.ok(image.length < 6144, `${text}: ${image.length} bytes`);
      const decoded = await loadImage(image);
      assert.deepEqual([decoded.width, decoded.height], [240, 88]);
    }
  });

  it('puts ink on the picture where the characters go', async () => {
    const { createCanvas } = await import('@napi-rs/canvas');
    const decoded = await loadImage((await renderer.render('WMWM')).bytes());
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

describe('the captcha font outlines', () => {
  // The picture fills each character's outline rather than calling fillText: the outline
  // must be the shipped font's character, placed where fillText would put it.
  async function difference(outlineOf: string, textOf: string): Promise<number> {
    const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
    GlobalFonts.registerFromPath(CAPTCHA_FONT_FILE, 'CaptchaFontUnderTest');
    const draw = (paint: (ctx: SKRSContext2D) => void) => {
      const canvas = createCanvas(80, 80);
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, 80, 80);
      ctx.setTransform(Math.cos(0.3), Math.sin(0.3), -Math.sin(0.3), Math.cos(0.3), 40, 40);
      ctx.fillStyle = '#000';
      paint(ctx);
      return canvas.data();
    };
    const byText = draw((ctx) => {
      ctx.font = '56px CaptchaFontUnderTest';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(textOf, 0, 0);
    });
    const byOutline = draw((ctx) => {
      ctx.scale(0.56, 0.56);
      ctx.fill(glyphOf(outlineOf));
    });
    let sum = 0;
    for (let i = 0; i < byText.length; i++) sum += Math.abs((byText[i] ?? 0) - (byOutline[i] ?? 0));
    return sum / byText.length;
  }

  it('draws every captcha character as fillText draws it in the shipped font', async () => {
    for (const char of CAPTCHA_ALPHABET) {
      const mean = await difference(char, char);
      assert.ok(mean < 2, `${char}: mean difference ${mean.toFixed(2)} of 255 per channel`);
    }
  });

  it('tells one character from another (the comparison above can fail)', async () => {
    assert.ok((await difference('A', 'B')) > 10);
    assert.ok((await difference('8', '3')) > 5);
  });

  it('escapes a character that SVG would read as markup', () => {
    assert.ok(glyphOf('&').getBounds()[2] > 0);
  });
});
