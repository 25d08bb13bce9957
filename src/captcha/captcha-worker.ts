// The code a captcha worker thread runs (see threaded-renderer.ts).
import v8 from 'node:v8';
import vm from 'node:vm';
import { drawCaptchaView } from './draw-captcha.js';
import { SLOT_BYTES } from './picture-slab.js';

export interface DrawTask {
  texts: readonly string[];
  width: number;
  height: number;
  /** The shared slab (PictureSlab) and the slot of each text's picture; absent: none was free. */
  slab?: SharedArrayBuffer;
  slots?: readonly number[];
}

/**
 * Each picture of a batch, in the order of its texts: its length when it was written into
 * its slot of the slab, else (no slot, or more than a slot holds) the JPEG as a latin1
 * string (one character per byte).
 */
export type DrawnBatch = (number | string)[];

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
export default function draw({ texts, width, height, slab, slots }: DrawTask): DrawnBatch {
  const memory = slab === undefined ? undefined : new Uint8Array(slab);
  const batch = texts.map((text, i): number | string => {
    const jpeg = drawCaptchaView(text, width, height);
    const slot = slots?.[i];
    if (memory === undefined || slot === undefined || jpeg.length > SLOT_BYTES)
      return jpeg.toString('latin1');
    memory.set(jpeg, slot * SLOT_BYTES);
    return jpeg.length;
  });
  drawnSinceCollection += texts.length;
  if (drawnSinceCollection >= COLLECT_EVERY) {
    drawnSinceCollection = 0;
    collectGarbage({ type: 'minor' });
  }
  return batch;
}
