/**
 * What every call to another company's server shares, whichever adapter makes it (the SMS
 * providers, the mini-program platforms): a deadline on top of the caller's signal, and a
 * forgiving JSON reader. It lives outside both adapters so neither imports the other.
 */

/** The caller's signal, also fired after `timeoutMs`; `timedOut` tells which one fired. */
export function deadline(
  signal: AbortSignal,
  timeoutMs: number,
): { signal: AbortSignal; timedOut(): boolean } {
  const timer = AbortSignal.timeout(timeoutMs);
  return { signal: AbortSignal.any([signal, timer]), timedOut: () => timer.aborted && !signal.aborted };
}

/** A JSON object, or undefined for anything else (not JSON, an array, a string…). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
