import { createRequire } from 'node:module';
import path from 'node:path';
import type * as CanvasModule from '@napi-rs/canvas';
import type { Canvas } from '@napi-rs/canvas';
import { CAPTCHA_FONT_FILE } from '../paths.js';

// Skia is a large native library: required here, where the drawing is, so that only the
// threads that draw load it (a server drawing on worker threads never loads it on its
// main thread, nor at start-up).
const { createCanvas, GlobalFonts } = createRequire(import.meta.url)(
  '@napi-rs/canvas',
) as typeof CanvasModule;

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

// One canvas per size and thread, drawn over completely each time: a new canvas per image
// cost more than drawing on it, and its native memory, unseen by the garbage collector,
// piled up under load.
const canvases = new Map<string, Canvas>();
function canvasOf(width: number, height: number): Canvas {
  const key = `${width}x${height}`;
  let canvas = canvases.get(key);
  if (canvas === undefined) {
    registerFont();
    canvas = createCanvas(width, height);
    canvases.set(key, canvas);
  }
  return canvas;
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

/**
 * Draws with Skia (@napi-rs/canvas): each character in its own colour, size and angle,
 * crossed by curves in the characters' colours so that a curve cannot be told from a
 * stroke by colour alone, on a light background with specks. Synchronous: it runs on the
 * thread that calls it (a captcha worker thread, see threaded-renderer.ts).
 */
export function drawCaptcha(text: string, width = 120, height = 44): Buffer {
  // Drawn in CSS pixels (`width` × `height`) on a canvas CAPTCHA_PIXEL_RATIO times larger.
  const canvas = canvasOf(width * CAPTCHA_PIXEL_RATIO, height * CAPTCHA_PIXEL_RATIO);
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

  // JPEG is about half of PNG's bytes at the same size, and just as readable.
  return canvas.encodeSync('jpeg', JPEG_QUALITY);
}
