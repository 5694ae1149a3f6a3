import type { PostRequest, Transport, TransportResult } from './transport.ts';

const MAX_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 50;

/**
 * Sends one request, retrying what `request.retryableStatuses` and the transport call retryable, honouring
 * `Retry-After`, and never waiting past `timeoutMs` in all: a retry that would end after it is not made.
 * Shared by the OTLP and Loki exporters, which differ only in what they call retryable.
 *
 * @example
 * const result = await sendWithRetries(postWithFetch, { url, body, headers, retryableStatuses }, 500);
 */
export async function sendWithRetries(
  post: Transport,
  request: Omit<PostRequest, 'timeoutMs'>,
  timeoutMs: number,
): Promise<TransportResult | undefined> {
  const deadline = Date.now() + timeoutMs;
  let result: TransportResult | undefined;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    result = await post({ ...request, timeoutMs: left });
    if (result.status !== 'retryable') break;
    // The first retry is immediate: a keep-alive socket dropped during the freeze fails once, then works.
    const waitMs = result.retryAfterMs ?? (attempt === 0 ? 0 : BASE_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random()));
    if (Date.now() + waitMs >= deadline) break;
    if (waitMs > 0) await sleep(waitMs);
  }
  return result;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
}
