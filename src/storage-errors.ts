/**
 * What the storage adapters share about failing: the database (src/db) and the key-value
 * store (src/store) both turn a driver's failure into a StorageError and word it the same
 * way, and neither adapter imports the other.
 */

/** The store could not be reached or failed: the request becomes a DBERR reply. */
export class StorageError extends Error {
  override name = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The URL with any password replaced, fit for an error message or a log line. */
export function maskUrl(url: string): string {
  // The user may be empty: Redis URLs are often `redis://:password@host`.
  return url.replace(/\/\/([^:/@]*):([^@]*)@/, '//$1:***@');
}

/** The first line of what went wrong, with the driver's error code when it has one. */
export function failureReason(error: unknown): string {
  // pg reports a host that resolves to several addresses (localhost) as an AggregateError
  // with an empty message; its first member says what happened.
  const first = error instanceof AggregateError && error.errors.length > 0 ? error.errors[0] : error;
  if (!(first instanceof Error)) return String(first);
  const code = (first as { code?: unknown }).code;
  const message = first.message.split('\n')[0]?.trim() ?? '';
  if (message === '') return typeof code === 'string' ? code : first.name;
  return typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message;
}
