import type { CaptchaRenderer, Picture } from '../captcha/captcha-renderer.js';

/** A captcha's text and its picture, drawn together; whoever takes it releases the picture. */
export interface DrawnCaptcha {
  text: string;
  image: Picture;
}

/** What the pool has done since it started (for /metrics and the bench). */
export interface CaptchaPoolStats {
  /** Pairs ready now. */
  ready: number;
  /** Captchas handed out from the pool. */
  fromPool: number;
  /** Captchas drawn on request because the pool was empty (the request waited for its drawing). */
  drawnInline: number;
  /** Times the pool was found empty after having held pairs (each run of inline draws counts once). */
  ranEmpty: number;
  /** Requests refused because `maxWaiting` requests were already waiting for a drawing. */
  refused: number;
}

export interface CaptchaPoolOptions {
  /** The most pairs kept ready (0: none; every captcha is drawn when asked for). */
  size: number;
  /** Pictures asked of the renderer in one batch (one message to a thread and back). */
  batch?: number;
  /**
   * Batches drawn ahead at the same time (default 1): as many as the renderer draws in
   * parallel. With one, under a sustained GET /imageCode load one of two drawing threads drew
   * a third less than the other (86–95 against 135–148 µs of CPU per picture served).
   */
  aheadBatches?: number;
  /**
   * Told when a batch drawn ahead fails (never with a text or a picture); drawing ahead
   * pauses a second. A batch drawn for waiting requests fails those requests instead.
   */
  onError?: (error: unknown) => void;
  /** How long after start-up the first filling begins (unless a captcha is asked for sooner). */
  startAfterMs?: number;
  /**
   * The most requests that may wait for a drawing at once; a take beyond it is refused at
   * once (under a flood from many addresses the queue, and every waiting request's memory,
   * would otherwise grow as long as the flood lasts). Default: no bound.
   */
  maxWaiting?: number;
}

/** Pictures asked of the renderer in one batch, unless `batch` says otherwise. */
export const DEFAULT_BATCH = 16;

/** How long drawing ahead waits after a batch failed, so that a broken renderer is not retried in a loop. */
const RETRY_MS = 1000;

interface Waiter {
  resolve: (pair: DrawnCaptcha) => void;
  reject: (error: unknown) => void;
}

/**
 * Captchas drawn ahead: a bounded stack of (text, JPEG) pairs that the drawing threads fill
 * whenever they have nothing else to draw. `take` pops one in O(1) — the pair leaves the
 * pool as it is handed out, and the event loop runs one `take` at a time, so no pair is
 * ever handed out twice. A `take` that finds the pool empty waits, first come first served,
 * for the next picture drawn: those asked for in the same turn of the event loop are drawn
 * together (one message to a thread and back per batch, not per picture), and whatever is
 * drawn goes to the waiting requests before it goes into the pool. Filling starts
 * `startAfterMs` after start-up (so that it does not slow the first replies) or at the first
 * `take` if that comes sooner, with as many batches ahead at a time as the renderer draws in
 * parallel; under a sustained load it keeps every thread busy beside the batches drawn for
 * waiting requests.
 * Texts come from `newText` (the service's, from the cryptographic RNG); nothing here logs.
 */
export class CaptchaPool {
  private readonly ready: DrawnCaptcha[] = [];
  private readonly waiting: Waiter[] = [];
  private readonly batch: number;
  private readonly aheadBatches: number;
  /** Pictures being drawn now, ahead or for waiting requests. */
  private drawing = 0;
  /** Batches drawn ahead now (at most `aheadBatches`). */
  private drawingAhead = 0;
  private drawScheduled = false;
  private pausedUntil = 0;
  private closed = false;
  private fromPool = 0;
  private inlineDraws = 0;
  private ranEmpty = 0;
  private refused = 0;
  /** Whether the last take found a pair (so an empty pool after it is a new episode). */
  private lastTookFromPool = false;
  private readonly starter: NodeJS.Timeout | undefined;

  constructor(
    private readonly renderer: CaptchaRenderer,
    private readonly newText: () => string,
    private readonly options: CaptchaPoolOptions,
  ) {
    this.batch = Math.max(1, options.batch ?? DEFAULT_BATCH);
    this.aheadBatches = Math.max(1, options.aheadBatches ?? 1);
    if (options.size > 0) {
      this.starter = setTimeout(() => this.fillAhead(), options.startAfterMs ?? 1000);
      this.starter.unref();
    }
  }

  /** Pairs ready now. */
  get readyCount(): number {
    return this.ready.length;
  }

  stats(): CaptchaPoolStats {
    return {
      ready: this.ready.length,
      fromPool: this.fromPool,
      drawnInline: this.inlineDraws,
      ranEmpty: this.ranEmpty,
      refused: this.refused,
    };
  }

  /**
   * A pair no one else gets: a ready one, else the next one drawn; null, at once, when the
   * pool is empty and `maxWaiting` requests are already waiting.
   */
  take(): Promise<DrawnCaptcha | null> {
    if (this.closed) return Promise.reject(new Error('the captcha pool is closed'));
    const pair = this.ready.pop();
    if (pair !== undefined) {
      this.fromPool += 1;
      this.lastTookFromPool = true;
      this.fillAhead();
      return Promise.resolve(pair);
    }
    if (this.waiting.length >= (this.options.maxWaiting ?? Infinity)) {
      this.refused += 1;
      return Promise.resolve(null);
    }
    if (this.options.size > 0) {
      this.inlineDraws += 1;
      if (this.lastTookFromPool) this.ranEmpty += 1;
      this.lastTookFromPool = false;
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      // Once per turn of the event loop: the requests of one turn are drawn as a batch.
      if (!this.drawScheduled) {
        this.drawScheduled = true;
        setImmediate(() => {
          this.drawScheduled = false;
          this.drawForWaiting();
          this.fillAhead();
        });
      }
    });
  }

  /** Starts batches for the waiting requests that no picture being drawn will serve. */
  private drawForWaiting(): void {
    let unserved = this.waiting.length - this.drawing;
    while (unserved > 0 && !this.closed) {
      const count = Math.min(this.batch, unserved);
      unserved -= count;
      this.drawBatch(count, false);
    }
  }

  /**
   * Starts batches ahead of demand, up to `aheadBatches` in flight, unless the pool is full
   * (counting what is being drawn) or filling is paused.
   */
  private fillAhead(): void {
    while (this.drawingAhead < this.aheadBatches && !this.closed && Date.now() >= this.pausedUntil) {
      const wanted = Math.min(
        this.batch,
        this.options.size + this.waiting.length - this.ready.length - this.drawing,
      );
      if (wanted <= 0) return;
      this.drawingAhead += 1;
      this.drawBatch(wanted, true);
    }
  }

  private drawBatch(count: number, ahead: boolean): void {
    this.drawing += count;
    const texts = Array.from({ length: count }, () => this.newText());
    const drawn = this.renderer.renderBatch
      ? this.renderer.renderBatch(texts)
      : Promise.all(texts.map((text) => this.renderer.render(text)));
    drawn.then(
      (images) => {
        this.drawing -= count;
        if (ahead) this.drawingAhead -= 1;
        if (this.closed) {
          for (const image of images) image.release();
          return;
        }
        for (let i = 0; i < count; i++) {
          const pair = { text: texts[i]!, image: images[i]! };
          const waiter = this.waiting.shift();
          if (waiter !== undefined) waiter.resolve(pair);
          else if (this.ready.length < this.options.size) this.ready.push(pair);
          else pair.image.release();
        }
        this.fillAhead();
      },
      (error: unknown) => {
        this.drawing -= count;
        if (ahead) {
          this.drawingAhead -= 1;
          this.pausedUntil = Date.now() + RETRY_MS;
          this.options.onError?.(error);
        }
        // The requests that no other batch in flight will serve fail, as a drawing on
        // request would have; the renderer is not retried for them in a loop.
        const unserved = this.waiting.length - this.drawing;
        for (const waiter of this.waiting.splice(0, Math.max(0, unserved))) waiter.reject(error);
      },
    );
  }

  /** Drops what is ready, fails the requests still waiting and starts no more batches. */
  close(): void {
    clearTimeout(this.starter);
    this.closed = true;
    for (const pair of this.ready.splice(0)) pair.image.release();
    for (const waiter of this.waiting.splice(0)) waiter.reject(new Error('the captcha pool is closed'));
  }
}
