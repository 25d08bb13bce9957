import { createRequire } from 'node:module';
import path from 'node:path';
import type * as CanvasModule from '@napi-rs/canvas';
import type { Canvas, Path2D as Outline, SKRSContext2D } from '@napi-rs/canvas';
import type * as JpegTurboModule from '@julusian/jpeg-turbo';
import { CAPTCHA_FONT_FILE } from '../paths.js';

// Skia is a large native library: required here, where the drawing is, so that only the
// threads that draw load it (a server drawing on worker threads never loads it on its
// main thread, nor at start-up). So is libjpeg-turbo.
const requireNative = createRequire(import.meta.url);
const { createCanvas, GlobalFonts, Path2D, convertSVGTextToPath } = requireNative(
  '@napi-rs/canvas',
) as typeof CanvasModule;
const jpeg = requireNative('@julusian/jpeg-turbo') as typeof JpegTurboModule;

const FONT_FILE = CAPTCHA_FONT_FILE;
const FONT_FAMILY = 'MedicineCaptcha';

let fontRegistered = false;
function registerFont(): void {
  if (fontRegistered) return;
  // The project ships its font, so the picture never depends on what the machine has installed.
  if (!GlobalFonts.registerFromPath(FONT_FILE, FONT_FAMILY)) {
    throw new Error(`captcha font could not be loaded from ${path.relative(process.cwd(), FONT_FILE)}`);
  }
  fontRegistered = true;
}

interface Surface {
  canvas: Canvas;
  ctx: SKRSContext2D;
  /**
   * The canvas's size in pixels, kept as plain numbers: `canvas.width` is a call into the
   * native module (~0.35 µs), and the specks and the encoder asked for it 26 times a picture.
   */
  pixelWidth: number;
  pixelHeight: number;
  /** Where libjpeg-turbo writes the JPEG: as large as any JPEG of this size can be. */
  jpeg: Buffer;
}

// One canvas per size and thread, drawn over completely each time: a new canvas per image
// cost more than drawing on it, and its native memory, unseen by the garbage collector,
// piled up under load. The JPEG is written into a buffer kept with it, for the same reason.
const surfaces = new Map<string, Surface>();
function surfaceOf(width: number, height: number): Surface {
  const key = `${width}x${height}`;
  let surface = surfaces.get(key);
  if (surface === undefined) {
    registerFont();
    const canvas = createCanvas(width, height);
    surface = {
      canvas,
      ctx: canvas.getContext('2d'),
      pixelWidth: width,
      pixelHeight: height,
      jpeg: Buffer.alloc(jpeg.bufferSize({ width, height, subsampling: jpeg.SAMP_420 })),
    };
    surfaces.set(key, surface);
  }
  return surface;
}

const between = (min: number, max: number): number => min + Math.random() * (max - min);

/**
 * Pixels per CSS pixel: the picture is drawn at twice the size the page shows it
 * (`width`/`height` attributes), so that it stays sharp on a phone's screen and when the
 * page is zoomed (issue 16).
 */
export const CAPTCHA_PIXEL_RATIO = 2;
/** Keeps each picture under 6 KB at twice the size (about 4–5 KB). */
const JPEG_QUALITY = 70;

/** One captcha as a JPEG (a copy of its own). */
export function drawCaptcha(text: string, width = 120, height = 44): Buffer {
  return Buffer.from(drawInto(text, width, height));
}

/**
 * One captcha as a JPEG in a buffer kept for the next drawing: valid until the next call
 * on this thread (for a caller that copies it on at once, as a captcha thread does into
 * its slot of the shared slab).
 */
export function drawCaptchaView(text: string, width = 120, height = 44): Buffer {
  return drawInto(text, width, height);
}

/** Several captchas, each JPEG as a latin1 string (one character per byte; see StringPicture). */
export function drawCaptchaStrings(texts: readonly string[], width = 120, height = 44): string[] {
  return texts.map((text) => drawInto(text, width, height).toString('latin1'));
}

/**
 * Draws with Skia (@napi-rs/canvas): each character in its own colour, size and angle,
 * crossed by curves in the characters' colours so that a curve cannot be told from a
 * stroke by colour alone, on a light background with specks. Synchronous: it runs on the
 * thread that calls it (a captcha worker thread, see threaded-renderer.ts). Returns a view
 * of the surface's JPEG buffer, which the next drawing overwrites.
 *
 * Every call into the canvas costs about a microsecond before it draws anything, so the
 * drawing makes few: a character is one transform, one colour and one outline (not a
 * save, a translate, a rotate, a font, two alignments, a fillText and a restore), and the
 * specks are set in the pixels read back for the encoder rather than drawn one by one.
 */
function drawInto(text: string, width: number, height: number): Buffer {
  // Drawn in CSS pixels (`width` × `height`) on a canvas CAPTCHA_PIXEL_RATIO times larger.
  const ratio = CAPTCHA_PIXEL_RATIO;
  const surface = surfaceOf(width * ratio, height * ratio);
  const { canvas, ctx, pixelWidth, pixelHeight } = surface;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);

  const baseHue = between(0, 360);
  ctx.fillStyle = hsl(baseHue, 40, 94);
  ctx.fillRect(0, 0, width, height);

  const inkColours: string[] = [];
  const step = (width - 16) / text.length;
  for (let i = 0; i < text.length; i++) {
    const colour = hsl((baseHue + 120 + between(-60, 60)) % 360, 65, between(22, 38));
    inkColours.push(colour);
    const x = 8 + step * i + step / 2 + between(-2, 2);
    const y = height / 2 + between(-3, 3);
    const angle = between(-0.45, 0.45);
    // The character's size in CSS pixels, as a font size; the outline is GLYPH_UNIT px.
    const scale = (ratio * Math.round(between(24, 30))) / GLYPH_UNIT;
    const cos = Math.cos(angle) * scale;
    const sin = Math.sin(angle) * scale;
    ctx.setTransform(cos, sin, -sin, cos, ratio * x, ratio * y);
    ctx.fillStyle = colour;
    ctx.fill(glyphOf(text.charAt(i)));
  }

  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  for (let i = 0; i < 2; i++) {
    ctx.strokeStyle = inkColours[i % inkColours.length] ?? '#333';
    ctx.lineWidth = between(1.5, 2.5);
    ctx.beginPath();
    ctx.moveTo(0, between(height * 0.2, height * 0.8));
    ctx.bezierCurveTo(
      between(width * 0.2, width * 0.4),
      between(0, height),
      between(width * 0.6, width * 0.8),
      between(0, height),
      width,
      between(height * 0.2, height * 0.8),
    );
    ctx.stroke();
  }

  // Skia's pixels are premultiplied RGBA; the background is opaque, so they are plain RGB +
  // alpha. The specks go on last, over the ink where they fall, as noise does.
  const pixels = canvas.data();
  for (let i = 0; i < SPECKS; i++) {
    speck(pixels, pixelWidth, pixelHeight, between(0, width) * ratio, between(0, height) * ratio, 2 * ratio);
  }

  // JPEG is about half of PNG's bytes at the same size, and just as readable. Encoded by
  // libjpeg-turbo with its SIMD code (~55 µs here) rather than Skia's own encoder, which
  // @napi-rs/canvas builds without it (~200 µs, most of a drawing's cost).
  return jpeg.compressSync(pixels, surface.jpeg, {
    format: jpeg.FORMAT_RGBA,
    width: pixelWidth,
    height: pixelHeight,
    quality: JPEG_QUALITY,
    subsampling: jpeg.SAMP_420,
  });
}

const SPECKS = 12;

/**
 * A speck: a `size`-pixel square of a random light colour, set straight into the RGBA
 * pixels at (x, y), clipped to the picture.
 */
function speck(
  pixels: Buffer,
  pixelWidth: number,
  pixelHeight: number,
  x: number,
  y: number,
  size: number,
): void {
  const [r, g, b] = hslToRgb(between(0, 360), 40, between(55, 80));
  const left = Math.floor(x);
  const top = Math.floor(y);
  const right = Math.min(left + size, pixelWidth);
  const bottom = Math.min(top + size, pixelHeight);
  for (let row = top; row < bottom; row++) {
    for (let column = left; column < right; column++) {
      const at = (row * pixelWidth + column) * 4;
      pixels[at] = r;
      pixels[at + 1] = g;
      pixels[at + 2] = b;
    }
  }
}

/**
 * A CSS colour given in whole degrees and percents, as `#rrggbb`: the canvas parses a hex
 * colour in two thirds of the time of an `hsl()` one (0.78 against 1.18 µs), and a picture
 * sets seven.
 */
function hsl(hue: number, saturation: number, lightness: number): string {
  const [r, g, b] = hslToRgb(Math.round(hue), saturation, Math.round(lightness));
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** CSS's hsl() → sRGB bytes (CSS Color 4, "Converting HSL colors to sRGB colors"). */
function hslToRgb(hue: number, saturation: number, lightness: number): [number, number, number] {
  const s = saturation / 100;
  const l = lightness / 100;
  const channel = (n: number): number => {
    const k = (n + hue / 30) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return [channel(0), channel(8), channel(4)];
}

/** Outlines are taken from the font at this size in pixels and scaled to each character's. */
const GLYPH_UNIT = 100;
const glyphs = new Map<string, Outline>();

/**
 * The outline of `char` in the captcha font at a font size of GLYPH_UNIT pixels, placed as fillText
 * places it with textAlign 'center' and textBaseline 'middle' at (0, 0). Filling an outline
 * draws the same character as fillText (tested) for a third of the calls into the canvas:
 * no font to set and parse for each character. Taken once per character and thread, from
 * Skia's own text-to-path conversion of an SVG <text> in the registered font.
 */
export function glyphOf(char: string): Outline {
  let glyph = glyphs.get(char);
  if (glyph === undefined) {
    registerFont();
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><text font-family="${FONT_FAMILY}" font-size="${GLYPH_UNIT}" text-anchor="middle">${escapeXml(char)}</text></svg>`;
    const converted = convertSVGTextToPath(Buffer.from(svg)).toString();
    const found = /<path(?: transform="translate\(([-\d.e]+)(?:[ ,]([-\d.e]+))?\)")? d="([^"]*)"/.exec(
      converted,
    );
    if (found === null) throw new Error(`the captcha font has no outline for ${JSON.stringify(char)}`);
    const [, dx = '0', dy = '0', d = ''] = found;
    glyph = new Path2D(d).transform({
      a: 1,
      b: 0,
      c: 0,
      d: 1,
      e: Number(dx),
      f: Number(dy) + middleBaselineDrop(),
    });
    glyphs.set(char, glyph);
  }
  return glyph;
}

let baselineDrop: number | undefined;
/** How far below the middle of the em box ('middle', where fillText centres) the alphabetic baseline lies, at GLYPH_UNIT px. */
function middleBaselineDrop(): number {
  if (baselineDrop === undefined) {
    const ctx = createCanvas(1, 1).getContext('2d');
    ctx.font = `${GLYPH_UNIT}px ${FONT_FAMILY}`;
    ctx.textBaseline = 'alphabetic';
    const alphabetic = ctx.measureText('H').actualBoundingBoxAscent;
    ctx.textBaseline = 'middle';
    baselineDrop = alphabetic - ctx.measureText('H').actualBoundingBoxAscent;
  }
  return baselineDrop;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
