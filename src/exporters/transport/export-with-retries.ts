import { startLoopDeadline } from './loop-deadline.ts';
import { originOf, type PostRequest, type Transport, type TransportResult } from './transport.ts';

const MAX_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 50;

/**
 * Sends one request, retrying what `request.retryableStatuses` and the transport call retryable, honouring
 * `Retry-After`, and never waiting past `timeoutMs` in all: a retry that would end after it is not made.
 * The time is counted while the event loop is free (`LoopDeadline`), like each attempt's own timeout: an
 * attempt that straddled a busy handler or the Lambda freeze still leaves time for the retry of a socket
 * the collector closed meanwhile. Never rejects: a transport that throws is a failure.
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
  const deadline = startLoopDeadline(timeoutMs, { unref: true });
  let result: TransportResult | undefined;
  try {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const left = deadline.remainingMs;
      if (left <= 0) break;
      result = await attemptOnce(post, { ...request, timeoutMs: left });
      if (result.status !== 'retryable') break;
      // The first retry is immediate: a keep-alive socket dropped during the freeze fails once, then works.
      const waitMs = result.retryAfterMs ?? (attempt === 0 ? 0 : BASE_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random()));
      if (waitMs >= deadline.remainingMs) break;
      if (waitMs > 0) await sleep(waitMs);
    }
  } finally {
    deadline.cancel();
  }
  return result;
}

/** One attempt; a transport that breaks its contract and throws (or rejects) gives a failure, never an exception. */
async function attemptOnce(post: Transport, request: PostRequest): Promise<TransportResult> {
  try {
    return await post(request);
  } catch (cause) {
    return { status: 'failure', error: new Error(`the transport threw sending to ${originOf(request.url)}`, { cause }) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
}
