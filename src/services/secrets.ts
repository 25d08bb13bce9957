import { createHmac, hash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A code of `length` decimal digits from the cryptographic RNG; leading zeros allowed. */
export function randomDigits(length: number): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(randomInt(10));
  return code;
}

/** `length` characters drawn uniformly from `alphabet` by the cryptographic RNG. */
export function randomText(alphabet: string, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += alphabet[randomInt(alphabet.length)];
  return text;
}

/** An opaque session id: 256 random bits, URL-safe. */
export function newSessionId(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * SHA-256 of `text` (UTF-8), in hex. `crypto.hash` does it in one call, without the Hash
 * object `createHash` makes (0.26 µs against 0.73 µs here); every logged-in request hashes
 * its session id.
 */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Codes are kept at rest only as keyed digests (HMAC-SHA256 with the service secret),
 * so a dump of the key-value store reveals no code that could still be used.
 */
export class CodeDigester {
  constructor(private readonly secret: string) {}

  digest(purpose: string, subject: string, code: string): string {
    return createHmac('sha256', this.secret).update(`${purpose}\0${subject}\0${code}`).digest('base64url');
  }

  matches(stored: string, purpose: string, subject: string, code: string): boolean {
    return constantTimeEqual(stored, this.digest(purpose, subject, code));
  }
}
