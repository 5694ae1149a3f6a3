import { startLoopDeadline } from './loop-deadline.ts';
import {
  answerLimit,
  resultOfNetworkError,
  resultOfStatus,
  resultOfUnsentRequest,
  type PostRequest,
  type TransportResult,
} from './transport.ts';

/**
 * POSTs with `fetch`: Web APIs only, so it runs on workerd, Deno and Vercel alike. The timeout (an abort,
 * counted in time the event loop was free: `LoopDeadline`) covers the exchange; once the status has
 * arrived it alone classifies the answer: a 2xx body is read up to a bound, another status is answered at
 * once and its body only drained up to a bound; a longer body is cancelled, a slower one aborted.
 * Never rejects: headers `fetch` will not send are a failure.
 *
 * @example
 * const result = await postWithFetch({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export async function postWithFetch(request: PostRequest, fetchImpl: typeof fetch = fetch): Promise<TransportResult> {
  let headers: Headers;
  try {
    // Built apart from the exchange: a header value HTTP does not allow throws here, and says nothing of the endpoint.
    headers = new Headers(request.headers);
  } catch (cause) {
    return resultOfUnsentRequest(request, cause);
  }
  const controller = new AbortController();
  const deadline = startLoopDeadline(request.timeoutMs, { onExpiry: () => controller.abort() });
  let response: Response;
  try {
    response = await fetchImpl(request.url, { method: 'POST', headers, body: request.body as BodyInit, signal: controller.signal });
  } catch (cause) {
    deadline.cancel();
    return resultOfNetworkError(request, cause, deadline.expired);
  }
  const retryAfter = response.headers.get('retry-after');
  const answer = (body: Uint8Array | undefined) =>
    resultOfStatus(request, response.status, response.statusText, retryAfter, {
      body,
      contentType: response.headers.get('content-type') ?? undefined,
    });
  const reading = readPrefix(response, answerLimit(response.status)).finally(() => deadline.cancel());
  // Outside 2xx the status says it all: the body is only drained (for the connection), within the deadline.
  if (response.status < 200 || response.status >= 300) return answer(undefined);
  return answer(await reading);
}

/**
 * The body when it ends within `limit` bytes; undefined when it is longer (the rest is cancelled), breaks,
 * or is cut by the abort. Reading it whole lets the connection be reused.
 */
async function readPrefix(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const reader = response.body?.getReader();
  if (!reader) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) body.set(chunk, (at += chunk.byteLength) - chunk.byteLength);
  return body;
}
