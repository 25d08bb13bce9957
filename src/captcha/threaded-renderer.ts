import fs from 'node:fs';
import { Piscina } from 'piscina';
import type { DrawTask } from './captcha-worker.js';
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
  private readonly pool: Piscina<DrawTask, Uint8Array[]>;
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

  private flush(): void {
    const all = this.pending;
    this.pending = [];
    // Spread over the threads, so that a burst is drawn on all of them at once.
    const size = Math.min(MAX_BATCH, Math.ceil(all.length / this.threads));
    for (let start = 0; start < all.length; start += size) {
      const batch = all.slice(start, start + size);
      const task = { texts: batch.map((p) => p.text), width: this.width, height: this.height };
      this.pool.run(task).then(
        (images) =>
          batch.forEach((p, i) => {
            const image = images[i];
            if (image === undefined) p.reject(new Error('captcha worker returned too few images'));
            else p.resolve(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
          }),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      );
    }
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
