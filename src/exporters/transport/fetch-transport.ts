import { MAX_ANSWER_BYTES, resultOfNetworkError, resultOfStatus, type PostRequest, type TransportResult } from './transport.ts';

/**
 * POSTs with `fetch` and an abort timeout that also covers reading the response: Web APIs only, so it runs
 * on workerd, Deno and Vercel alike.
 *
 * @example
 * const result = await postWithFetch({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export async function postWithFetch(request: PostRequest, fetchImpl: typeof fetch = fetch): Promise<TransportResult> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await fetchImpl(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body as BodyInit,
      signal: controller.signal,
    });
    // Read the body (the connection can then be reused): an OTLP success may carry partial_success.
    const body = await response.arrayBuffer().catch(() => undefined);
    return resultOfStatus(request, response.status, response.statusText, response.headers.get('retry-after'), {
      body: body && body.byteLength <= MAX_ANSWER_BYTES ? new Uint8Array(body) : undefined,
      contentType: response.headers.get('content-type') ?? undefined,
    });
  } catch (cause) {
    return resultOfNetworkError(request, cause, controller.signal.aborted);
  } finally {
    clearTimeout(timer);
  }
}
