import { createServer, request } from 'node:http';

/** One export request as the proxy saw it. */
export interface ProxiedRequest {
  readonly path: string;
  /** `performance.now()` when the request's headers arrived. */
  readonly arrivedAt: number;
}

/**
 * A collector that answers slowly: forwards each OTLP request to the real collector and holds the answer
 * `delayMs`, so a flush before the response would delay it by that much. Records when each request arrived.
 */
export async function startDelayProxy(upstream: string, delayMs: number) {
  const arrivals: ProxiedRequest[] = [];
  const target = new URL(upstream);
  const server = createServer((incoming, outgoing) => {
    arrivals.push({ path: incoming.url ?? '', arrivedAt: performance.now() });
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const forward = request(
        { host: target.hostname, port: target.port, path: incoming.url, method: incoming.method, headers: incoming.headers },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () =>
            setTimeout(() => outgoing.writeHead(answer.statusCode ?? 502, answer.headers).end(Buffer.concat(body)), delayMs),
          );
        },
      );
      forward.on('error', () => outgoing.writeHead(502).end());
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}
