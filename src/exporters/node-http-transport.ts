import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { resultOfNetworkError, resultOfStatus, type PostRequest, type TransportResult } from './transport.ts';

// Keep-alive saves a TCP (and TLS) handshake per flush; a socket the collector closed during the freeze
// fails once with a reset, which the exporter retries on a fresh connection.
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/**
 * POSTs with `node:http(s)`. Used on Lambda because Node's `fetch` loads its HTTP client on first use,
 * which costs tens of milliseconds of cold start (measured in bench/README.md). The timeout covers the
 * whole exchange, response included.
 *
 * @example
 * const result = await postWithNodeHttp({ url, body, headers: {}, timeoutMs: 1000, retryableStatuses: new Set([503]) });
 */
export function postWithNodeHttp(request: PostRequest): Promise<TransportResult> {
  return new Promise((resolve) => {
    let timedOut = false;
    let url: URL;
    try {
      url = new URL(request.url);
    } catch (cause) {
      resolve({ status: 'failure', error: new Error('invalid export URL', { cause }) });
      return;
    }
    const secure = url.protocol === 'https:';
    const body = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
    const outgoing = (secure ? httpsRequest : httpRequest)(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { ...request.headers, 'content-length': String(body.byteLength) },
    }, (response: IncomingMessage) => {
      response.resume(); // drain so the socket returns to the pool
      response.on('end', () => {
        clearTimeout(timer);
        const retryAfter = response.headers['retry-after'];
        resolve(resultOfStatus(request, response.statusCode ?? 0, response.statusMessage ?? '', typeof retryAfter === 'string' ? retryAfter : null));
      });
      response.on('error', (cause) => finishWithError(cause));
    });
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
