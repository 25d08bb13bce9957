// The code a captcha worker thread runs (see threaded-renderer.ts).
import v8 from 'node:v8';
import vm from 'node:vm';
import type { PictureBytes } from './captcha-renderer.js';
import { drawCaptchas } from './draw-captcha.js';

export interface DrawTask {
  texts: readonly string[];
  width: number;
  height: number;
}

/** The pictures of a batch, in the order of its texts, each JPEG as a latin1 string (see drawCaptchas). */
export type DrawnBatch = PictureBytes[];

// Each picture's pixels are read out of Skia into an 84 KB buffer of native memory, freed
// only when this thread's garbage collector finds it dead. A drawing leaves too little on
// the JavaScript heap for the collector to run often: under load, thousands of dead pixel
// buffers waited for it (60 MB in the server, over 1 GB in a loop that never yields). A
// young-generation collection every COLLECT_EVERY pictures (~0.4 ms each) bounds them to a
// few MB per thread. Exposing `gc` this way (V8's own flag, set before a new context reads
// it) is what the `expose-gc` package does.
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as (options: { type: 'minor' }) => void;
const COLLECT_EVERY = 64;
let drawnSinceCollection = 0;

/** Draws a batch of captchas: one message each way for the whole batch. */
export default function draw({ texts, width, height }: DrawTask): DrawnBatch {
  const batch = drawCaptchas(texts, width, height);
  drawnSinceCollection += texts.length;
  if (drawnSinceCollection >= COLLECT_EVERY) {
    drawnSinceCollection = 0;
    collectGarbage({ type: 'minor' });
  }
  return batch;
}
