const MAINLAND_MOBILE = /^(?:\+?86)?(1[3-9]\d{9})$/;

/**
 * A mainland-China mobile number as 11 digits, with a leading `+86` or `86` taken off;
 * null when the text is not one.
 */
export function normaliseMainlandPhone(text: string): string | null {
  return MAINLAND_MOBILE.exec(text)?.[1] ?? null;
}

/** `13812345678` → `138****5678`, for logs. */
export function maskPhone(phone: string): string {
  return phone.length >= 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : '****';
}
