/** What `newCaptchaId` needs of `crypto`; browsers give `randomUUID` only to secure (HTTPS or localhost) pages. */
export interface RandomSource {
  getRandomValues<T extends Uint8Array>(array: T): T;
  randomUUID?: () => string;
}

/**
 * A random v4 UUID to name a captcha by (the API accepts `[A-Za-z0-9_-]{1,64}`).
 * `crypto.randomUUID` where the page may use it; otherwise the same format built from
 * `crypto.getRandomValues`, which every browser offers even to a page on plain HTTP.
 */
export function newCaptchaId(random: RandomSource = globalThis.crypto): string {
  if (typeof random.randomUUID === 'function') return random.randomUUID();
  const bytes = random.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40; // version 4
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80; // RFC 4122 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
