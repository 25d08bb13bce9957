import { CaptchaPool, type CaptchaPoolStats } from './captcha-pool.js';
import type { CaptchaRenderer } from '../captcha/captcha-renderer.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import { ignoreEvents, type AuthEvents } from './events.js';
import type { RateLimits } from './rate-limits.js';
import type { CodeDigester } from './secrets.js';
import { randomText } from './secrets.js';

/** No look-alikes: no 0/O, no 1/I/L; shown upper-case, compared case-insensitively. */
export const CAPTCHA_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

export interface CaptchaSettings {
  length: number;
  ttlSeconds: number;
  perIpPerMinute: number;
  /** Captchas drawn ahead (`CAPTCHA_POOL_SIZE`); 0: each drawn on request. */
  poolSize?: number;
  /** The most requests waiting for a drawing at once (`CAPTCHA_MAX_WAITING`); beyond it, REQERR captchaBusy. */
  maxWaiting?: number;
}

export interface IssuedCaptcha {
  image: Buffer;
  contentType: string;
  text: string;
}

const key = (uuid: string): string => `captcha:${uuid}`;

export class CaptchaService {
  private readonly pool: CaptchaPool;

  constructor(
    private readonly store: KeyValueStore,
    private readonly renderer: CaptchaRenderer,
    private readonly digester: CodeDigester,
    private readonly limits: RateLimits,
    private readonly settings: CaptchaSettings,
    private readonly events: AuthEvents = ignoreEvents,
    /** Told (without any text or picture) when drawing ahead fails. */
    onPoolError?: (error: unknown) => void,
  ) {
    // Texts from the cryptographic RNG, whether drawn ahead or on request.
    this.pool = new CaptchaPool(renderer, () => randomText(CAPTCHA_ALPHABET, settings.length), {
      size: settings.poolSize ?? 0,
      startAfterMs: 1000,
      aheadBatches: renderer.parallelism ?? 1,
      ...(settings.maxWaiting !== undefined && { maxWaiting: settings.maxWaiting }),
      ...(onPoolError && { onError: onPoolError }),
    });
  }

  /** Captchas drawn ahead and ready to be handed out. */
  get readyCount(): number {
    return this.pool.readyCount;
  }

  /** What drawing ahead has done: ready, handed out from the pool, drawn on request when it was empty. */
  poolStats(): CaptchaPoolStats {
    return this.pool.stats();
  }

  /** Drops the captchas drawn ahead and draws no more (the app is closing). */
  close(): void {
    this.pool.close();
  }

  /** Draws a new captcha for `uuid` (replacing any earlier one) and forgets `lastUuid`'s. */
  async issueCaptcha(uuid: string, lastUuid: string | undefined, ip: string): Promise<Result<IssuedCaptcha>> {
    const perIp = await this.limits.hit(`captcha:ip:${ip}`, this.settings.perIpPerMinute, 60);
    if (!perIp.allowed) return fail(RET.IPERR, 'captchaTooOften', perIp.retryAfterSeconds);
    const drawn = await this.pool.take();
    if (drawn === null) return fail(RET.REQERR, 'captchaBusy', 1);
    const { text } = drawn;
    // Copied out now, as the request is answered, and released (see Picture).
    const image = drawn.image.bytes();
    drawn.image.release();
    if (lastUuid !== undefined && lastUuid !== uuid) await this.store.delete(key(lastUuid));
    await this.store.set(
      key(uuid),
      this.digester.digest('captcha', uuid, text),
      this.settings.ttlSeconds * 1000,
    );
    this.events.captchaDrawn();
    return ok({ image, contentType: this.renderer.contentType, text });
  }

  /** One captcha, one try: the stored code is deleted whatever the answer. */
  async checkCaptcha(uuid: string, answer: string): Promise<Result> {
    const stored = await this.store.take(key(uuid));
    if (stored === null) return fail(RET.NODATA, 'captchaExpired');
    if (!this.digester.matches(stored, 'captcha', uuid, answer.trim().toUpperCase())) {
      return fail(RET.DATAERR, 'captchaWrong');
    }
    return ok();
  }
}
