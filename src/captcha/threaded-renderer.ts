import fs from 'node:fs';
import { Piscina } from 'piscina';
import type { DrawnBatch, DrawTask } from './captcha-worker.js';
import type { CaptchaRenderer } from './captcha-renderer.js';
import { CAPTCHA_FONT_FILE, CAPTCHA_WORKER_URL } from '../paths.js';

/** How long a thread with nothing to draw lives on before it exits and gives back its memory. */
const IDLE_MS = 30_000;
/** The most captchas one message to a thread asks for. */
const MAX_BATCH = 4;

interface Pending {
  text: string;
  resolve: (image: Buffer) => void;
  reject: (error: unknown) => void;
}

/**
 * Draws captchas on a pool of worker threads (piscina), so that drawing (~0.3 ms of CPU
 * each) never holds up the event loop and a process uses more than one core for it.
 * The captchas asked for in the same turn of the event loop go to the threads together,
 * a batch per thread: handing a thread one captcha at a time cost half as much CPU again
 * as the drawing itself. Threads start when captchas are asked for and stop after
 * IDLE_MS without work.
 */
export class ThreadedCaptchaRenderer implements CaptchaRenderer {
  readonly contentType = 'image/jpeg' as const;
  private readonly pool: Piscina<DrawTask, DrawnBatch>;
  private pending: Pending[] = [];

  constructor(
    private readonly threads: number,
    private readonly width = 120,
    private readonly height = 44,
  ) {
    // A missing font stops the start-up rather than a request (the threads load it).
    if (!fs.existsSync(CAPTCHA_FONT_FILE)) throw new Error(`captcha font missing: ${CAPTCHA_FONT_FILE}`);
    this.pool = new Piscina({
      // From the sources (tests) the worker loads the .ts file through the same --import
      // loader as the main thread, which worker threads inherit.
      filename: CAPTCHA_WORKER_URL.href,
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: IDLE_MS,
      atomics: 'disabled',
      // Drawing a picture allocates little on the JS heap (Skia's memory is native): a small
      // young generation keeps each thread's isolate from growing tens of MB under load.
      resourceLimits: { maxYoungGenerationSizeMb: 4 },
    });
  }

  render(text: string): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ text, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** The texts' pictures, drawn on one thread: one message each way for the whole batch. */
  async renderBatch(texts: readonly string[]): Promise<Buffer[]> {
    const images = await this.pool.run({ texts: [...texts], width: this.width, height: this.height });
    if (images.length !== texts.length) throw new Error('captcha worker returned too few images');
    return images.map((image) => Buffer.from(image, 'latin1'));
  }

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    // Spread over the threads, so that a burst is drawn on all of them at once.
    const size = Math.min(MAX_BATCH, Math.ceil(all.length / this.threads));
    for (let start = 0; start < all.length; start += size) {
      const batch = all.slice(start, start + size);
      this.renderBatch(batch.map((p) => p.text)).then(
        (images) => batch.forEach((p, i) => p.resolve(images[i]!)),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      );
    }
  }

  async close(): Promise<void> {
    // Lets the batches in flight finish (a few ms) before the threads stop: a thread stopped
    // inside libjpeg-turbo's binding aborted the whole process (an uncaught C++ Napi::Error).
    await this.pool.close();
  }
}
