import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A request the loopback server received, its body read whole (as sent: see `decompressed`). */
export interface LoopbackRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** `performance.now()` when the body had arrived. */
  readonly receivedAt: number;
}

/** What the handler answers. */
export interface LoopbackAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

/** How the server answers for a while: the faults a collector or Loki shows. */
export interface LoopbackBehaviour {
  /** Delay before answering, in ms. */
  latencyMs?: number;
  /**
   * Status to answer with. Outside 2xx the request is not handled (nothing is kept: the handler is not
   * called); a 2xx status replaces the handler's own success status.
   */
  status?: number;
  /** Headers added to the answer. */
  headers?: Record<string, string>;
  /** Drop the connection without answering, as a collector that closed an idle keep-alive socket. */
  reset?: boolean;
  /** Behave this way for this many requests, then answer normally again. */
  times?: number;
  /** Hold every answer until this promise resolves: the test decides when the sink answers. */
  until?: Promise<void>;
  /**
   * Hold each answer until this many requests are waiting at once, then answer them together: only a
   * client that sends them in parallel gets its answers (a sequential one times out on the first).
   */
  together?: number;
  /**
   * Answer with the status and headers and the first bytes of the body, then hold the rest for good (a
   * slow-loris answer): a client that waits for the end of the body waits forever.
   */
  stallBody?: boolean;
}

export interface LoopbackServerOptions {
  /**
   * Answers a request the behaviour leaves to it (still wanted by its client, status unset or 2xx);
   * by default 200 with no body. A handler that throws answers 400 with the error's message.
   */
  handle?: (request: LoopbackRequest) => LoopbackAnswer | Promise<LoopbackAnswer>;
  /** Headers sent with every answer (the handler's and the behaviour's come on top). */
  headers?: Record<string, string>;
  /** Body of an answer with the behaviour's non-2xx status. */
  faultBody?: string;
  /** The behaviour to start with. */
  behaviour?: LoopbackBehaviour;
  /** 0 (the default) for a free port. */
  port?: number;
}

export interface LoopbackServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order, whatever it was answered. */
  readonly requests: LoopbackRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Requests whose handling is over (answered, or dropped because the client gave up). */
  settled(): number;
  behave(behaviour: LoopbackBehaviour): void;
  /** Drops every connection (held requests included) and stops listening; closing twice is fine. */
  close(): Promise<void>;
}

/**
 * The one loopback HTTP server of the tests, tools and bench: listens on 127.0.0.1, reads each body whole,
 * logs the request, applies the current behaviour (latency, status, reset, hold), then lets `handle` answer.
 * The OTLP receiver, the Loki stand-in, the local receiver, the tap and the bench sinks are layers over it.
 */
export async function startLoopbackServer(options: LoopbackServerOptions = {}): Promise<LoopbackServer> {
  const { handle = () => ({ status: 200 }), headers: always = {}, faultBody = '' } = options;
  let current: LoopbackBehaviour = options.behaviour ?? {};
  const requests: LoopbackRequest[] = [];
  let settled = 0;
  let connections = 0;
  let waiting: (() => void)[] = [];
  const rendezvous = (count: number) =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length < count) return;
      for (const release of waiting) release();
      waiting = [];
    });
  const serve = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
    } catch {
      return; // the client went away mid-body
    }
    const request: LoopbackRequest = {
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '',
      headers: incoming.headers,
      body: Buffer.concat(chunks),
      receivedAt: performance.now(),
    };
    requests.push(request);
    response.on('close', () => settled++);
    const { latencyMs = 0, status, headers = {}, times, reset, until, together, stallBody } = current;
    if (times !== undefined) current = times <= 1 ? {} : { ...current, times: times - 1 };
    if (reset) return void incoming.socket.destroy();
    // setTimeout(fn, 0) waits at least 1 ms in Node: without latency, answer at once.
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (until) await until;
    if (together !== undefined) await rendezvous(together);
    // A client that gave up (timeout) cancels the request: like the collector's receiver, keep nothing.
    if (response.destroyed || incoming.socket.destroyed) return;
    let answer: LoopbackAnswer;
    if (status !== undefined && (status < 200 || status >= 300)) answer = { status, body: faultBody };
    else {
      try {
        answer = await handle(request);
      } catch (error) {
        answer = { status: 400, body: (error as Error).message };
      }
      if (status !== undefined && answer.status >= 200 && answer.status < 300) answer = { ...answer, status };
    }
    if (response.destroyed) return;
    response.writeHead(answer.status, { ...always, ...answer.headers, ...headers });
    if (stallBody) return void response.write(answer.body === undefined || answer.body.length === 0 ? ' ' : answer.body);
    response.end(answer.body);
  };
  // node:http ignores what a listener returns; `serve` catches what it can fail on itself (the body, the handler).
  const server = createHttpServer((incoming, response) => void serve(incoming, response));
  server.on('connection', () => connections++);
  // As the collector: an idle keep-alive socket stays open for a while.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    connections: () => connections,
    settled: () => settled,
    behave: (next) => {
      current = next;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body with a gzip content-encoding undone (the collector's OTLP/HTTP exporter gzips by default). */
export function decompressed(request: LoopbackRequest): Buffer {
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(request.body) : request.body;
}

/** A free TCP port on 127.0.0.1 (listen on 0, read the port, close). */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

/** An endpoint that accepts connections, reads each request, and never answers: a hung collector. */
export async function startHangingEndpoint(): Promise<{ url: string; connections: () => number; close(): Promise<void> }> {
  const server = await startLoopbackServer({ behaviour: { until: new Promise<void>(() => {}) } });
  return { url: server.url, connections: server.connections, close: server.close };
}

/** A loopback address where nothing listens (connection refused). */
export async function closedEndpoint(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
