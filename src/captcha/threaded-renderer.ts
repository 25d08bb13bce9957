import fs from 'node:fs';
import { Piscina } from 'piscina';
import type { DrawnBatch, DrawTask } from './captcha-worker.js';
import { StringPicture, type CaptchaRenderer, type Picture } from './captcha-renderer.js';
import { PictureSlab } from './picture-slab.js';
import { CAPTCHA_FONT_FILE, CAPTCHA_WORKER_URL } from '../paths.js';

/** How long a thread with nothing to draw lives on before it exits and gives back its memory. */
export const IDLE_MS = 30_000;
/**
 * The same when captchas are drawn ahead (CAPTCHA_POOL_SIZE > 0). A thread that starts
 * again (~80 ms of CPU with its first batch: an isolate, the worker's code, Skia, the font)
 * keeps no request waiting, since the pool serves requests meanwhile. A thread that has
 * drawn holds ~20 MB (its isolate, and the memory Skia's allocator keeps for reuse) that
 * no request needs while the pool is full.
 */
export const IDLE_MS_BEHIND_A_POOL = 5_000;

export interface ThreadedRendererOptions {
  /** How long a thread with nothing to draw lives on (default IDLE_MS). */
  idleMs?: number;
}

/**
 * Draws captchas on a pool of worker threads (piscina), so that drawing (~0.2 ms of CPU
 * each) never holds up the event loop and a process uses more than one core for it.
 * `renderBatch` hands a thread a whole batch in one message (the captcha pool gathers the
 * requests of one turn of the event loop into batches): one message per picture cost half
 * as much CPU again as the drawing itself. The thread writes each picture into a slot of
 * memory shared with it (PictureSlab), claimed for the batch, and answers with the
 * pictures' lengths: a picture never crosses as a copy, nor waits on V8's heap. A batch
 * that finds too few free slots crosses as strings instead. Threads start when captchas are
 * asked for and stop after `idleMs` without work.
 */
export class ThreadedCaptchaRenderer implements CaptchaRenderer {
  readonly contentType = 'image/jpeg' as const;
  readonly parallelism: number;
  private readonly pool: Piscina<DrawTask, DrawnBatch>;
  private readonly slab: PictureSlab;
  /** Batches asked for and not yet answered, running or queued. */
  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;
  /** The picture's size in CSS pixels (drawn at twice that: CAPTCHA_PIXEL_RATIO). */
  private readonly width = 120;
  private readonly height = 44;

  /**
   * `slots`: the most pictures held in the shared slab at once; enough for every picture
   * that can be alive (the pool, the batches in flight, the requests waiting), or some
   * batches cross as strings.
   */
  constructor(threads: number, slots: number, { idleMs = IDLE_MS }: ThreadedRendererOptions = {}) {
    // A missing font stops the start-up rather than a request (the threads load it).
    if (!fs.existsSync(CAPTCHA_FONT_FILE)) throw new Error(`captcha font missing: ${CAPTCHA_FONT_FILE}`);
    this.parallelism = threads;
    this.slab = new PictureSlab(slots);
    this.pool = new Piscina({
      // From the sources (tests) the worker loads the .ts file through the same --import
      // loader as the main thread, which worker threads inherit.
      filename: CAPTCHA_WORKER_URL.href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: idleMs,
      atomics: 'disabled',
      // Drawing a picture allocates little on the JS heap (Skia's memory is native): a small
      // young generation keeps each thread's isolate from growing tens of MB under load.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
  }

  /** Drawing threads alive now (they start on demand and stop when idle). */
  get threadCount(): number {
    return this.pool.threads.length;
  }

  /** One picture (a batch of one). */
  async render(text: string): Promise<Picture> {
    const [image] = await this.renderBatch([text]);
    return image!;
  }

  /** The texts' pictures, drawn on one thread: one message each way for the whole batch. */
  async renderBatch(texts: readonly string[]): Promise<Picture[]> {
    if (this.closing) throw new Error('the captcha renderer is closed');
    const slots = this.slab.claim(texts.length);
    const drawn = this.pool.run({
      texts,
      width: this.width,
      height: this.height,
      ...(slots !== undefined && { slab: this.slab.memory, slots }),
    });
    this.inFlight.add(drawn);
    let images: DrawnBatch;
    try {
      images = await drawn.finally(() => this.inFlight.delete(drawn));
      if (images.length !== texts.length) throw new Error('captcha worker returned too few images');
    } catch (error) {
      if (slots !== undefined) this.slab.giveBack(slots);
      throw error;
    }
    return images.map((image, i) => {
      const slot = slots?.[i];
      if (typeof image === 'string') {
        // Drawn without a slot, or too large for it (the slot goes back unused).
        if (slot !== undefined) this.slab.giveBack([slot]);
        return new StringPicture(image);
      }
      // A length: the thread wrote the picture into its slot.
      return this.slab.pictureAt(slot!, image);
    });
  }

  async close(): Promise<void> {
    // A thread stopped inside libjpeg-turbo's binding aborts the whole process (an uncaught
    // C++ Napi::Error), and piscina's close can stop a thread in the middle of a batch (with
    // two threads and a queue, it counts one thread as done twice) and fails the batches
    // still queued: so every batch asked for is drawn first (a few ms each), with no thread
    // busy when piscina stops them.
    this.closing = true;
    await Promise.allSettled([...this.inFlight]);
    await this.pool.close();
  }
}
