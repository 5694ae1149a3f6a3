import type { Agent, ClientRequest, IncomingMessage, request as httpRequest } from 'node:http';
import { LoopDeadline } from './loop-deadline.ts';
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
 * answer: only a bounded prefix of the body is read, and a body that is too long or too slow is dropped.
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
  let deadline: LoopDeadline | undefined;
  const settle = (result: TransportResult) => {
    if (settled) return;
    settled = true;
    deadline?.cancel();
    resolve(result);
  };
  const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
  let outgoing: ClientRequest;
  let abandonAnswer: (() => void) | undefined;
  try {
    outgoing = client.request(
      url,
      { method: 'POST', agent: client.agent, headers: { ...request.headers, 'content-length': String(body.byteLength) } },
      (response) => (abandonAnswer = readAnswer(response, request, settle)),
    );
  } catch (cause) {
    // http.request throws at once on a header it will not send (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN).
    return settle(resultOfUnsentRequest(request, cause));
  }
  const timer = new LoopDeadline(request.timeoutMs, {
    // With the status in hand the answer is known; without it, the exchange timed out.
    onExpiry: () => (abandonAnswer ? abandonAnswer() : outgoing.destroy(new Error('export timed out'))),
  });
  deadline = timer;
  outgoing.on('error', (cause) => settle(resultOfNetworkError(request, cause, timer.expired)));
  outgoing.end(body);
}

/**
 * Reads at most `answerLimit(status)` bytes of the answer (an OTLP partial_success, or enough of an error
 * body for the socket to be reused) and settles by its status; returns what settles it at once (the
 * deadline came while the body was still arriving). Past the limit the rest is dropped with the connection.
 */
function readAnswer(response: IncomingMessage, request: PostRequest, settle: (result: TransportResult) => void): () => void {
  const status = response.statusCode ?? 0;
  const limit = answerLimit(status);
  const chunks: Buffer[] = [];
  let size = 0;
  const finish = (complete: boolean) => {
    const retryAfter = response.headers['retry-after'];
    const answer = { body: complete ? Buffer.concat(chunks) : undefined, contentType: response.headers['content-type'] };
    settle(resultOfStatus(request, status, response.statusMessage ?? '', typeof retryAfter === 'string' ? retryAfter : null, answer));
  };
  const abandon = () => {
    finish(false);
    response.destroy();
  };
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
    else abandon();
  });
  response.on('end', () => finish(true));
  // A connection that breaks mid-body still answered: the status stands.
  response.on('error', () => finish(false));
  return abandon;
}
