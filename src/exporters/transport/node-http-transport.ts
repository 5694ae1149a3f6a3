import type { Agent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { startLoopDeadline } from './loop-deadline.ts';
import {
  answerLimit,
  resultOfNetworkError,
  resultOfStatus,
  resultOfUnsentRequest,
  type PostRequest,
  type TransportResult,
} from './transport.ts';

interface Client {
  readonly request: typeof httpRequest;
  readonly agent: Agent;
}

// Loaded on first use: node:https pulls in TLS and costs milliseconds of cold start that a plain-http
// collector endpoint never needs. Through process.getBuiltinModule, not import(): an ESM import of node:http
// builds its facade by reading every export, and on Node 22 and 24 the `WebSocket` getter among them loads
// undici (~25 ms, bench/RESULTS.md). Keep-alive saves a TCP (and TLS) handshake per flush; a socket the
// collector closed during the freeze fails once with a reset, which the exporter retries.
const clients: { http?: Client; https?: Client } = {};
function clientFor(secure: boolean): Client {
  if (secure) {
    return (clients.https ??= clientOf(process.getBuiltinModule('node:https')));
  }
  return (clients.http ??= clientOf(process.getBuiltinModule('node:http')));
}

function clientOf(module: { Agent: new (options: { keepAlive: boolean }) => Agent; request: typeof httpRequest }): Client {
  return { request: module.request, agent: new module.Agent({ keepAlive: true }) };
}

/**
 * POSTs with `node:http(s)`. Used on Lambda because Node's `fetch` loads its HTTP client on first use,
 * which costs tens of milliseconds of cold start (measured in bench/README.md). The timeout covers the
 * exchange, counted in time the event loop was free (`LoopDeadline`): a handler that keeps the loop busy
 * does not time the request out before it is written. Once the status has arrived it alone classifies the
 * answer: a 2xx body is read up to a bound, another status settles at once and its body is only drained up
 * to a bound; a body that is too long or too slow is dropped with its connection.
 * Never rejects: a request `http.request` will not build (a header value HTTP does not allow) is a failure.
 *
 * @example
 * const result = await postWithNodeHttp({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export function postWithNodeHttp(request: PostRequest): Promise<TransportResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (cause) {
    return Promise.resolve({ status: 'failure', error: new Error('invalid export URL', { cause }), notSent: true });
  }
  return new Promise((resolve) => send(clientFor(url.protocol === 'https:'), url, request, resolve));
}

function send(client: Client, url: URL, request: PostRequest, resolve: (result: TransportResult) => void): void {
  let settled = false;
  const settle = (result: TransportResult) => {
    if (settled) return;
    settled = true;
    resolve(result);
  };
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  let outgoing: ClientRequest;
  let answer: Answer | undefined;
  try {
    outgoing = client.request(
      url,
      { method: 'POST', agent: client.agent, headers: { ...request.headers, 'content-length': String(body.byteLength) } },
      (response) => (answer = readAnswer(response, request, settle, () => timer.cancel())),
    );
  } catch (cause) {
    // http.request throws at once on a header it will not send (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN).
    return settle(resultOfUnsentRequest(request, cause));
  }
  const timer = startLoopDeadline(request.timeoutMs, {
    // With the status in hand the answer is known; without it, the exchange timed out.
    onExpiry: () => (answer ? answer.abandon() : outgoing.destroy(new Error('export timed out'))),
  });
  outgoing.on('error', (cause) => {
    timer.cancel();
    settle(resultOfNetworkError(request, cause, timer.expired));
  });
  outgoing.end(body);
}

interface Answer {
  /** Settles by the status now and drops the rest of the body with its connection. */
  abandon(): void;
}

/**
 * Settles by the status: a 2xx once its body is read (an OTLP partial_success, `MAX_ANSWER_BYTES` at most),
 * any other status at once, its body only drained (`MAX_ERROR_ANSWER_BYTES` at most) so the socket can be
 * reused. A body past its limit is dropped with the connection; `finished` is called when the body is done.
 */
function readAnswer(
  response: IncomingMessage,
  request: PostRequest,
  settle: (result: TransportResult) => void,
  finished: () => void,
): Answer {
  const status = response.statusCode ?? 0;
  const limit = answerLimit(status);
  const chunks: Buffer[] = [];
  let size = 0;
  const settleWith = (body: Uint8Array | undefined) => {
    const retryAfter = response.headers['retry-after'];
    const answer = { body, contentType: response.headers['content-type'] };
    settle(resultOfStatus(request, status, response.statusMessage ?? '', typeof retryAfter === 'string' ? retryAfter : null, answer));
  };
  const abandon = () => {
    settleWith(undefined);
    response.destroy();
    finished();
  };
  if (status < 200 || status >= 300) settleWith(undefined);
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else abandon();
  });
  response.on('end', () => {
    settleWith(Buffer.concat(chunks));
    finished();
  });
  // A connection that breaks mid-body still answered: the status stands.
  response.on('error', () => {
    settleWith(undefined);
    finished();
  });
  return { abandon };
}
