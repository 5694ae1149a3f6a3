import type { IncomingMessage, ServerResponse } from 'node:http';
import { EXTENSIONS_PREFIX } from './extensions-api.ts';

const PREFIX = '/2018-06-01/runtime';

/** What the emulator does for each Runtime API route (runtime-api-server.ts); the body is read already. */
export interface RuntimeApiRoutes {
  /** Any Extensions API request (extensions-api.ts routes it further). */
  extension(request: IncomingMessage, body: string, response: ServerResponse): Promise<void>;
  /** GET /invocation/next: the runtime waits for its next event. */
  next(response: ServerResponse): void;
  /** POST /invocation/{id}/response or /error. */
  post(requestId: string, kind: 'response' | 'error', body: string, response: ServerResponse): void;
  /** POST /init/error, already answered 202. */
  initError(body: string): void;
}

/** Reads one request's body and hands it to its route; anything else gets a 404. */
export async function routeRuntimeApi(request: IncomingMessage, response: ServerResponse, routes: RuntimeApiRoutes): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  if ((request.url ?? '').startsWith(EXTENSIONS_PREFIX)) return routes.extension(request, body, response);
  const path = (request.url ?? '').replace(PREFIX, '');
  const match = /^\/invocation\/([^/]+)\/(response|error)$/.exec(path);
  if (request.method === 'GET' && path === '/invocation/next') return routes.next(response);
  if (request.method === 'POST' && match) return routes.post(match[1]!, match[2] as 'response' | 'error', body, response);
  if (request.method === 'POST' && path === '/init/error') {
    response.writeHead(202).end('{"status":"OK"}');
    return routes.initError(body);
  }
  response.writeHead(404).end();
}
