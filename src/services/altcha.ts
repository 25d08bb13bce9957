import { createHmac, randomInt } from 'node:crypto';
import { createChallenge, verifySolution, type Challenge, type Payload } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import type { Clock } from '../clock.js';
import { fail, ok, RET, type Result } from '../ret.js';
import type { KeyValueStore } from '../store/key-value-store.js';
import type { RateLimits } from './rate-limits.js';

/**
 * ALTCHA proof of work (issue 12, point 4): a way to an SMS code that needs no eyes. The
 * browser's widget fetches a signed challenge, finds the counter whose PBKDF2 key starts
 * with the signed prefix, and sends the solution (base64 JSON) in place of the captcha.
 *
 * Challenges are made in altcha-lib's deterministic mode: the server draws the counter,
 * so the work is bounded (uniform in [½, 1½] × the level's work) instead of the
 * geometric tail of a random prefix, and a solution is checked by one HMAC (the key
 * signature) rather than by deriving the key again.
 */
export const ALTCHA_ALGORITHM = 'PBKDF2/SHA-256';

export interface AltchaSettings {
  ttlSeconds: number;
  /** Challenges one address may fetch per minute (the captcha's per-address limit). */
  perIpPerMinute: number;
  /** PBKDF2 iterations of one try. */
  cost: number;
  /** Tries a solver needs on average at level 0 (about a second on a mid-range phone). */
  baseWork: number;
  /** The hardest level; each level doubles the work. */
  maxLevel: number;
}

/** Measured with `npm run bench:altcha` (SECURITY.md): level 0 ≈ 1 s on a 4×-throttled core. */
export const DEFAULT_ALTCHA_WORK: AltchaWork = Object.freeze({ cost: 1000, baseWork: 700, maxLevel: 8 });

export type AltchaWork = Pick<AltchaSettings, 'cost' | 'baseWork' | 'maxLevel'>;

/** What the difficulty of a new challenge depends on. */
export interface DifficultyInputs {
  /** SMS codes asked from this address in the last hour (the per-address SMS counter). */
  smsFromAddressLastHour: number;
  /** Challenges this address fetched in the last 10 minutes, this one included. */
  challengesFromAddressRecently: number;
  /** Share of SMS_GLOBAL_PER_HOUR spent this hour, 0 to 1 (or more). */
  budgetSpentShare: number;
}

/** Challenges an address may fetch in 10 minutes before fetching itself costs more: reloads, a second try. */
const FREE_CHALLENGES = 4;

/**
 * The difficulty level of a challenge: the work is `baseWork × 2^level`.
 *
 *   activity     = sms + max(0, challenges − 4) / 4
 *   addressLevel = ⌊log2(1 + activity / 2)⌋       0–1 SMS: 0; 2–5: 1; 6–13: 2; 14–29: 3; …
 *   budgetLevel  = max(0, ⌊8 × share⌋ − 3)        under half the budget: 0; ½: 1; ⅝: 2; ¾: 3; ⅞: 4; all: 5
 *   level        = min(maxLevel, addressLevel + budgetLevel)
 *
 * A person asking for a code or two from their own address solves level 0; an address
 * that sends many pays double for each doubling of its sending, and everyone pays more
 * as the deployment's hourly budget runs out, before it closes.
 */
export function altchaDifficulty(inputs: DifficultyInputs, maxLevel: number): number {
  const sms = Math.max(0, inputs.smsFromAddressLastHour);
  const extraChallenges = Math.max(0, inputs.challengesFromAddressRecently - FREE_CHALLENGES);
  const activity = sms + extraChallenges / 4;
  const addressLevel = Math.floor(Math.log2(1 + activity / 2));
  const share = Math.max(0, inputs.budgetSpentShare);
  const budgetLevel = Math.max(0, Math.floor(8 * Math.min(share, 1)) - 3);
  return Math.min(maxLevel, addressLevel + budgetLevel);
}

/** The counter range of a level: uniform in [½, 1½] × its mean work, so that the mean is the work. */
export function counterRange(level: number, baseWork: number): { min: number; max: number } {
  const mean = baseWork * 2 ** level;
  return { min: Math.max(1, Math.floor(mean / 2)), max: Math.ceil((mean * 3) / 2) };
}

export interface IssuedChallenge {
  challenge: Challenge;
  level: number;
}

const keys = {
  perMinute: (ip: string) => `altcha:ip:${ip}`,
  recent: (ip: string) => `altcha:recent:${ip}`,
  used: (signature: string) => `altcha:used:${signature}`,
};

const RECENT_WINDOW_SECONDS = 600;
const SIGNATURE = /^[0-9a-f]{64}$/;

/** Keys derived from the service secret for one use each; the secret itself never signs a challenge. */
function derivedSecret(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(purpose).digest('hex');
}

/**
 * How much SMS has been asked for lately, which makes the challenge harder; the SMS code
 * service's counters answer it.
 */
export interface SmsActivity {
  recentSends(ip: string): Promise<{ fromAddressLastHour: number; budgetSpentShare: number }>;
}

export class AltchaService {
  private readonly challengeKey: string;
  private readonly keySignatureKey: string;

  constructor(
    private readonly store: KeyValueStore,
    private readonly limits: RateLimits,
    private readonly activity: SmsActivity,
    secret: string,
    private readonly clock: Clock,
    private readonly settings: AltchaSettings,
  ) {
    this.challengeKey = derivedSecret(secret, 'altcha-challenge');
    this.keySignatureKey = derivedSecret(secret, 'altcha-key-signature');
  }

  /** A new signed challenge for `ip`, as hard as its recent sending and the spent budget say. */
  async issueChallenge(ip: string): Promise<Result<IssuedChallenge>> {
    const [perMinute, recent] = await Promise.all([
      this.limits.hit(keys.perMinute(ip), this.settings.perIpPerMinute, 60),
      this.store.increment(keys.recent(ip), RECENT_WINDOW_SECONDS * 1000),
    ]);
    if (!perMinute.allowed) return fail(RET.IPERR, 'altchaTooOften', perMinute.retryAfterSeconds);
    const sms = await this.activity.recentSends(ip);
    const level = altchaDifficulty(
      {
        smsFromAddressLastHour: sms.fromAddressLastHour,
        challengesFromAddressRecently: recent.count,
        budgetSpentShare: sms.budgetSpentShare,
      },
      this.settings.maxLevel,
    );
    const { min, max } = counterRange(level, this.settings.baseWork);
    const challenge = await createChallenge({
      algorithm: ALTCHA_ALGORITHM,
      cost: this.settings.cost,
      counter: randomInt(min, max + 1),
      deriveKey,
      // Signed with the rest: neither the level nor the expiry can be edited.
      data: { level },
      expiresAt: Math.floor(this.clock.now() / 1000) + this.settings.ttlSeconds,
      hmacSignatureSecret: this.challengeKey,
      hmacKeySignatureSecret: this.keySignatureKey,
    });
    return ok({ challenge, level });
  }

  /**
   * Accepts a solved challenge once, across every process sharing the store. Expired,
   * or already used → NODATA (as a captcha that is not stored); forged, edited or
   * wrongly solved → DATAERR (as a wrong captcha answer).
   */
  async checkSolution(encoded: string): Promise<Result> {
    const payload = decodePayload(encoded);
    if (payload === null) return fail(RET.DATAERR, 'altchaInvalid');
    const challenge = payload.challenge;
    const verdict = await verifySolution({
      challenge,
      solution: payload.solution,
      deriveKey,
      hmacSignatureSecret: this.challengeKey,
      hmacKeySignatureSecret: this.keySignatureKey,
    });
    if (verdict.expired) return fail(RET.NODATA, 'altchaExpired');
    if (verdict.invalidSignature === true || !challenge.parameters.keySignature) {
      return fail(RET.DATAERR, 'altchaInvalid');
    }
    // The signature holds, so the expiry is ours; judged by the service's clock.
    const expiresAtMs = (challenge.parameters.expiresAt ?? 0) * 1000;
    const leftMs = expiresAtMs - this.clock.now();
    if (leftMs <= 0) return fail(RET.NODATA, 'altchaExpired');
    if (!verdict.verified) return fail(RET.DATAERR, 'altchaWrong');
    const signature = challenge.signature ?? '';
    if (!(await this.store.setIfAbsent(keys.used(signature), '1', leftMs))) {
      return fail(RET.NODATA, 'altchaUsed');
    }
    return ok();
  }
}

/** The widget's base64 JSON, checked for shape before anything trusts it; null if malformed. */
function decodePayload(encoded: string): Payload | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  if (!isRecord(parsed) || !isRecord(parsed.challenge) || !isRecord(parsed.solution)) return null;
  const { parameters, signature } = parsed.challenge;
  const { counter, derivedKey } = parsed.solution;
  if (!isRecord(parameters) || typeof signature !== 'string' || !SIGNATURE.test(signature)) return null;
  if (typeof counter !== 'number' || typeof derivedKey !== 'string') return null;
  if (typeof parameters.nonce !== 'string' || typeof parameters.salt !== 'string') return null;
  if (typeof parameters.keyPrefix !== 'string' || typeof parameters.algorithm !== 'string') return null;
  return parsed as unknown as Payload;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
