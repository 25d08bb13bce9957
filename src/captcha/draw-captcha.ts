import { createRequire } from 'node:module';
import path from 'node:path';
import type * as CanvasModule from '@napi-rs/canvas';
import type { Canvas } from '@napi-rs/canvas';
import type * as JpegTurboModule from '@julusian/jpeg-turbo';
import { CAPTCHA_FONT_FILE } from '../paths.js';

// Skia is a large native library: required here, where the drawing is, so that only the
// threads that draw load it (a server drawing on worker threads never loads it on its
// main thread, nor at start-up). So is libjpeg-turbo.
const requireNative = createRequire(import.meta.url);
const { createCanvas, GlobalFonts } = requireNative('@napi-rs/canvas') as typeof CanvasModule;
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
    surface = {
      canvas: createCanvas(width, height),
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
 * Several captchas, each JPEG as a "binary" string (one character per byte, latin1): what a
 * captcha thread sends back for a batch. A string crosses to the main thread as a copy on its
 * JavaScript heap, collected with the request that sends it; an ArrayBuffer arrives as native
 * memory that V8 frees only at a full collection, and under load tens of MB of pictures
 * already sent waited for one.
 */
export function drawCaptchas(texts: readonly string[], width = 120, height = 44): string[] {
  return texts.map((text) => drawInto(text, width, height).toString('latin1'));
}

/**
 * Draws with Skia (@napi-rs/canvas): each character in its own colour, size and angle,
 * crossed by curves in the characters' colours so that a curve cannot be told from a
 * stroke by colour alone, on a light background with specks. Synchronous: it runs on the
 * thread that calls it (a captcha worker thread, see threaded-renderer.ts). Returns a view
 * of the surface's JPEG buffer, which the next drawing overwrites.
 */
function drawInto(text: string, width: number, height: number): Buffer {
  // Drawn in CSS pixels (`width` × `height`) on a canvas CAPTCHA_PIXEL_RATIO times larger.
  const surface = surfaceOf(width * CAPTCHA_PIXEL_RATIO, height * CAPTCHA_PIXEL_RATIO);
  const { canvas } = surface;
  const ctx = canvas.getContext('2d');
  ctx.setTransform(CAPTCHA_PIXEL_RATIO, 0, 0, CAPTCHA_PIXEL_RATIO, 0, 0);

  const baseHue = between(0, 360);
  ctx.fillStyle = `hsl(${baseHue}, 40%, 94%)`;
  ctx.fillRect(0, 0, width, height);

  for (let i = 0; i < 12; i++) {
    ctx.fillStyle = `hsl(${between(0, 360)}, 40%, ${between(55, 80)}%)`;
    ctx.fillRect(between(0, width), between(0, height), 2, 2);
  }

  const inkColours: string[] = [];
  const step = (width - 16) / text.length;
  for (let i = 0; i < text.length; i++) {
    const colour = `hsl(${(baseHue + 120 + between(-60, 60)) % 360}, 65%, ${between(22, 38)}%)`;
    inkColours.push(colour);
    ctx.save();
    ctx.translate(8 + step * i + step / 2 + between(-2, 2), height / 2 + between(-3, 3));
    ctx.rotate(between(-0.45, 0.45));
    ctx.font = `${Math.round(between(24, 30))}px ${FONT_FAMILY}`;
    ctx.fillStyle = colour;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text[i] ?? '', 0, 0);
    ctx.restore();
  }

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

  // JPEG is about half of PNG's bytes at the same size, and just as readable. Encoded by
  // libjpeg-turbo with its SIMD code (~55 µs here) rather than Skia's own encoder, which
  // @napi-rs/canvas builds without it (~200 µs, most of a drawing's cost). Skia's pixels
  // are premultiplied RGBA; the background is opaque, so they are plain RGB + alpha.
  return jpeg.compressSync(canvas.data(), surface.jpeg, {
    format: jpeg.FORMAT_RGBA,
    width: canvas.width,
    height: canvas.height,
    quality: JPEG_QUALITY,
    subsampling: jpeg.SAMP_420,
  });
}
