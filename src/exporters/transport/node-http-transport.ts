import type { Agent, IncomingMessage, request as httpRequest } from 'node:http';
import { MAX_ANSWER_BYTES, resultOfNetworkError, resultOfStatus, type PostRequest, type TransportResult } from './transport.ts';

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
 * whole exchange, response included.
 *
 * @example
 * const result = await postWithNodeHttp({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export async function postWithNodeHttp(request: PostRequest): Promise<TransportResult> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch (cause) {
    return { status: 'failure', error: new Error('invalid export URL', { cause }) };
  }
  const client = clientFor(url.protocol === 'https:');
  return new Promise((resolve) => {
    let timedOut = false;
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const outgoing = client.request(
      url,
      {
        method: 'POST',
        agent: client.agent,
        headers: { ...request.headers, 'content-length': String(body.byteLength) },
      },
      (response: IncomingMessage) => {
        // Read to the end so the socket returns to the pool; keep a short answer (OTLP partial_success).
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        response.on('end', () => {
          clearTimeout(timer);
          const retryAfter = response.headers['retry-after'];
          resolve(
            resultOfStatus(
              request,
              response.statusCode ?? 0,
              response.statusMessage ?? '',
              typeof retryAfter === 'string' ? retryAfter : null,
              {
                body: size <= MAX_ANSWER_BYTES ? Buffer.concat(chunks) : undefined,
                contentType: response.headers['content-type'],
              },
            ),
          );
        });
        response.on('error', (cause) => finishWithError(cause));
      },
    );
    const finishWithError = (cause: unknown) => {
      clearTimeout(timer);
      resolve(resultOfNetworkError(request, cause, timedOut));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      outgoing.destroy(new Error('export timed out'));
    }, request.timeoutMs);
    outgoing.on('error', finishWithError);
    outgoing.end(body);
  });
}
