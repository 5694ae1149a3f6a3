/** The outcome of one HTTP request, classified for retry decisions. Never thrown. */
export type TransportResult =
  | { readonly status: 'success'; readonly statusCode: number }
  | { readonly status: 'retryable'; readonly error: Error; readonly retryAfterMs?: number }
  | { readonly status: 'failure'; readonly error: Error };

export interface PostRequest {
  readonly url: string;
  readonly body: Uint8Array | string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** HTTP statuses worth retrying; the OTLP spec names 429, 502, 503 and 504. */
  readonly retryableStatuses: ReadonlySet<number>;
}

/**
 * POSTs `body` with an abort timeout that also covers reading the response, using only Web APIs so it
 * runs on Lambda, workerd, Deno and Vercel alike. Network errors are retryable (a keep-alive socket the
 * server closed while the function was frozen fails once, then a new connection works); a timeout is not,
 * because the time it had is spent.
 *
 * @example
 * const result = await postWithTimeout({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export async function postWithTimeout(request: PostRequest, fetchImpl: typeof fetch = fetch): Promise<TransportResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body as BodyInit,
      signal: controller.signal,
    });
    // Drain the body so the connection can be reused; its content is not needed.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) return { status: 'success', statusCode: response.status };
    const error = new Error(`HTTP ${response.status} ${response.statusText} from ${originOf(request.url)}`);
    if (!request.retryableStatuses.has(response.status)) return { status: 'failure', error };
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return retryAfterMs === undefined ? { status: 'retryable', error } : { status: 'retryable', error, retryAfterMs };
  } catch (cause) {
    if (controller.signal.aborted) {
      return { status: 'failure', error: new Error(`no answer from ${originOf(request.url)} within ${request.timeoutMs} ms`, { cause }) };
    }
    const error = new Error(`cannot reach ${originOf(request.url)}`, { cause });
    // Nothing listens there: retrying within a sub-second budget only adds latency. A reset or closed
    // socket (a keep-alive connection the collector dropped while the function was frozen) is retried.
    return NOT_LISTENING.has(errorCode(cause) ?? '') ? { status: 'failure', error } : { status: 'retryable', error };
  } finally {
    clearTimeout(timer);
  }
}

const NOT_LISTENING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** undici wraps the socket error: `TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`. */
function errorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Only the origin is ever printed: paths and query strings can carry tokens. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '<invalid url>';
  }
}
