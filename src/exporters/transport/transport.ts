import { printable } from '../printable.ts';
import { firstHeaderProblem } from './http-fields.ts';

/** Answers longer than this are not kept (an OTLP partial_success answer is a few hundred bytes). */
export const MAX_ANSWER_BYTES = 64 * 1024;

/**
 * Of an answer outside 2xx, only this much is read (so a short one leaves the socket reusable); a longer or
 * slower body is dropped with its connection. The status says what happened: the body is never waited for.
 */
export const MAX_ERROR_ANSWER_BYTES = 4 * 1024;

/** How much of an answer with this status a transport reads at most. */
export function answerLimit(status: number): number {
  return status >= 200 && status < 300 ? MAX_ANSWER_BYTES : MAX_ERROR_ANSWER_BYTES;
}

/** The outcome of one HTTP request, classified for retry decisions. Never thrown. */
export type TransportResult =
  | { readonly status: 'success'; readonly statusCode: number; readonly body?: Uint8Array; readonly contentType?: string }
  | { readonly status: 'retryable'; readonly error: Error; readonly retryAfterMs?: number }
  | {
      readonly status: 'failure';
      readonly error: Error;
      readonly statusCode?: number;
      /** The request never left (it could not be built: a header value HTTP does not allow): says nothing about the endpoint. */
      readonly notSent?: boolean;
    };

export interface PostRequest {
  readonly url: string;
  readonly body: Uint8Array | string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  /** HTTP statuses worth retrying; the OTLP spec names 429, 502, 503 and 504. */
  readonly retryableStatuses: ReadonlySet<number>;
}

/**
 * One bounded POST. Implementations: `postWithFetch` (Web APIs: edge runtimes) and `postWithNodeHttp`
 * (Lambda, where the first `fetch` call costs tens of milliseconds of cold start).
 */
export type Transport = (request: PostRequest) => Promise<TransportResult>;

/** Classifies an HTTP answer: 2xx success, the given statuses retryable (with `Retry-After`), the rest failure. */
export function resultOfStatus(
  request: PostRequest,
  status: number,
  statusText: string,
  retryAfter: string | null,
  answer: { body?: Uint8Array; contentType?: string } = {},
): TransportResult {
  if (status >= 200 && status < 300) return { status: 'success', statusCode: status, ...answer };
  // The status text is the endpoint's to choose: printed escaped and bounded. The path is named: a 404 is
  // most often a wrong one (a signal URL given as the base endpoint gets `/v1/traces/v1/traces`).
  const error = new Error(`HTTP ${status} ${printable(statusText, 100)} from ${originOf(request.url, true)}`);
  if (!request.retryableStatuses.has(status)) return { status: 'failure', error, statusCode: status };
  const retryAfterMs = parseRetryAfter(retryAfter);
  return retryAfterMs === undefined ? { status: 'retryable', error } : { status: 'retryable', error, retryAfterMs };
}

const NOT_LISTENING = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Classifies a request that got no answer. A timeout is final (the time is spent). Nothing listening is
 * final too: retrying within a sub-second budget only adds latency. A reset or closed socket (a keep-alive
 * connection the collector dropped while the function was frozen) is retried.
 */
export function resultOfNetworkError(request: PostRequest, cause: unknown, timedOut: boolean): TransportResult {
  if (timedOut) {
    return { status: 'failure', error: new Error(`no answer from ${originOf(request.url)} within ${request.timeoutMs} ms`, { cause }) };
  }
  const error = new Error(`cannot reach ${originOf(request.url)}`, { cause });
  return NOT_LISTENING.has(errorCode(cause) ?? '') ? { status: 'failure', error } : { status: 'retryable', error };
}

/**
 * A request that could not even be built (`http.request` and `new Headers` throw on a header value HTTP does
 * not allow): a failure, not retried, and not an outage.
 */
export function resultOfUnsentRequest(request: PostRequest, cause: unknown): TransportResult {
  // Named from our own check: the runtime's message can quote the header value, often a secret.
  const why = firstHeaderProblem(request.headers) ?? 'the runtime would not build it';
  return { status: 'failure', error: new Error(`could not send a request to ${originOf(request.url)}: ${why}`, { cause }), notSent: true };
}

/** Node and undici nest the socket error: `TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`. */
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

/**
 * The origin, and with `withPath` the path (for an answer the endpoint gave: a 404 is most often a wrong
 * path): never the user info or the query, which can carry credentials (`https://user:token@host`, `?api_key=…`).
 *
 * @example
 * originOf('https://u:p@host:4318/v1/traces?key=k', true); // 'https://host:4318/v1/traces'
 */
export function originOf(url: string, withPath = false): string {
  try {
    const { origin, pathname } = new URL(url);
    return withPath ? origin + printable(pathname) : origin;
  } catch {
    return '<invalid url>';
  }
}

/**
 * Rewrites a request just before each attempt is sent (retries are signed afresh): adds headers, signs it.
 * A throw becomes a failed export, never an exception in the caller.
 */
export type RequestSigner = (request: PostRequest) => Promise<PostRequest> | PostRequest;

/**
 * A transport that passes every request through `signer` first.
 *
 * @example
 * const post = signedTransport(postWithFetch, (request) => ({ ...request, headers: { ...request.headers, authorization: 'Bearer t' } }));
 */
export function signedTransport(post: Transport, signer: RequestSigner): Transport {
  return async (request) => {
    let signed: PostRequest;
    try {
      signed = await signer(request);
    } catch (cause) {
      return { status: 'failure', error: new Error(`could not sign the request to ${originOf(request.url)}`, { cause }) };
    }
    return post(signed);
  };
}
