import type { CaptchaRenderer } from '../captcha/captcha-renderer.js';

/** A captcha's text and its picture, drawn together. */
export interface DrawnCaptcha {
  text: string;
  image: Buffer;
}

/** What the pool has done since it started (for /metrics and the bench). */
export interface CaptchaPoolStats {
  /** Pairs ready now. */
  ready: number;
  /** Captchas handed out from the pool. */
  fromPool: number;
  /** Captchas drawn on request because the pool was empty. */
  drawnInline: number;
  /** Times the pool was found empty after having held pairs (each run of inline draws counts once). */
  ranEmpty: number;
}

export interface CaptchaPoolOptions {
  /** The most pairs kept ready (0: none; every captcha is drawn when asked for). */
  size: number;
  /** Pairs asked of the renderer at once while refilling (it spreads them over its threads). */
  batch?: number;
  /** Told when a refill batch fails (never with a text or a picture); refilling pauses a second. */
  onError?: (error: unknown) => void;
  /** How long after start-up the first filling begins (unless a captcha is asked for sooner). */
  startAfterMs?: number;
}

/** How long refilling waits after a batch failed, so that a broken renderer is not retried in a loop. */
const RETRY_MS = 1000;

/**
 * Captchas drawn ahead: a bounded stack of (text, JPEG) pairs that the drawing threads fill
 * whenever they have nothing else to draw. `take` pops one in O(1) — the pair leaves the
 * pool as it is handed out, and the event loop runs one `take` at a time, so no pair is
 * ever handed out twice — and draws inline only when the pool is empty. Filling starts
 * `startAfterMs` after start-up (so that it does not slow the first replies) or at the
 * first `take` if that comes sooner, and keeps one batch in flight at a time, so that a captcha drawn on request waits behind
 * at most one batch; while a request's captcha is being drawn, no new batch starts.
 * Texts come from `newText` (the service's, from the cryptographic RNG); nothing here logs.
 */
export class CaptchaPool {
  private readonly ready: DrawnCaptcha[] = [];
  private readonly batch: number;
  private refilling = false;
  private drawingInline = 0;
  private pausedUntil = 0;
  private closed = false;
  private fromPool = 0;
  private inlineDraws = 0;
  private ranEmpty = 0;
  /** Whether the last take found a pair (so an empty pool after it is a new episode). */
  private lastTookFromPool = false;
  private readonly starter: NodeJS.Timeout | undefined;

  constructor(
    private readonly renderer: CaptchaRenderer,
    private readonly newText: () => string,
    private readonly options: CaptchaPoolOptions,
  ) {
    this.batch = Math.max(1, Math.min(options.batch ?? 16, options.size));
    if (options.size > 0) {
      this.starter = setTimeout(() => this.refill(), options.startAfterMs ?? 1000);
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
    };
  }

  /** A pair no one else gets: a ready one, else one drawn now. */
  async take(): Promise<DrawnCaptcha> {
    const pair = this.ready.pop();
    if (pair !== undefined) {
      this.fromPool += 1;
      this.lastTookFromPool = true;
      this.refill();
      return pair;
    }
    if (this.options.size > 0) {
      this.inlineDraws += 1;
      if (this.lastTookFromPool) this.ranEmpty += 1;
      this.lastTookFromPool = false;
    }
    this.drawingInline += 1;
    try {
      const text = this.newText();
      return { text, image: await this.renderer.render(text) };
    } finally {
      this.drawingInline -= 1;
      this.refill();
    }
  }

  /** Starts a refill batch unless one is in flight, the pool is full, or a request's captcha is being drawn. */
  private refill(): void {
    if (this.refilling || this.closed || this.drawingInline > 0) return;
    const wanted = Math.min(this.batch, this.options.size - this.ready.length);
    if (wanted <= 0 || Date.now() < this.pausedUntil) return;
    this.refilling = true;
    const texts = Array.from({ length: wanted }, () => this.newText());
    Promise.all(texts.map((text) => this.renderer.render(text))).then(
      (images) => {
        this.refilling = false;
        if (this.closed) return;
        for (let i = 0; i < texts.length && this.ready.length < this.options.size; i++) {
          this.ready.push({ text: texts[i]!, image: images[i]! });
        }
        this.refill();
      },
      (error: unknown) => {
        this.refilling = false;
        this.pausedUntil = Date.now() + RETRY_MS;
        this.options.onError?.(error);
      },
    );
  }

  /** Drops what is ready and starts no more batches. */
  close(): void {
    clearTimeout(this.starter);
    this.closed = true;
    this.ready.length = 0;
  }
}
