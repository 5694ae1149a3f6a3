/**
 * Reads what user values expose without trusting them: getters, Proxies and `toString` may throw, and a
 * throw here would fail the user's invocation or lose a log line.
 */

/** `instanceof Error` that survives Proxies whose `getPrototypeOf` trap throws. */
export function isError(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof Error;
  } catch {
    return false;
  }
}

/** The message of whatever was thrown. */
export function safeMessage(error: unknown): string {
  return safeRead(() => (isError(error) ? error.message : String(error)), 'unknown error');
}

/**
 * `read()`, or `fallback` when it throws.
 *
 * @example
 * const name = safeRead(() => fn.name, '');
 */
export function safeRead<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
