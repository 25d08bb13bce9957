/**
 * How a stored phone number is written for others: the services' logs and audit, and the
 * SMS providers. Plain string work on a number already validated by `src/services/phone.ts`,
 * kept here so that the providers need nothing from the services.
 */

/** The E.164 form of a stored number: mainland numbers are stored without their +86. */
export function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

/** `13812345678` → `138****5678`, `+85261234567` → `+852****4567`, for logs. */
export function maskPhone(phone: string): string {
  if (phone.length < 7) return '****';
  const head = phone.startsWith('+') ? phone.slice(0, 4) : phone.slice(0, 3);
  return `${head}****${phone.slice(-4)}`;
}
