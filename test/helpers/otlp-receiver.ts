import { createServer, type IncomingMessage, type Server } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { decodeLogs, decodeSpans, type ReceivedLog, type ReceivedSpan } from '../../tools/otlp-decode.ts';

export type { Attrs, ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';

export interface ReceiverBehaviour {
  /** Delay before answering, in ms. */
  latencyMs?: number;
  /** Status to answer with; records are only kept on 2xx. */
  status?: number;
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
}

/**
 * A loopback OTLP/HTTP protobuf receiver that decodes what it gets with the official .proto files.
 * `behave` changes its answers for fault tests.
 */
export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly requests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Requests whose handling is over (answered, or dropped because the client gave up). */
  settled(): number;
  behave(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(behaviour: ReceiverBehaviour = {}, port = 0): Promise<OtlpReceiver> {
  let current = behaviour;
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const requests: OtlpReceiver['requests'] = [];
  let settled = 0;
  let waiting: (() => void)[] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    // The collector's OTLP/HTTP exporter compresses with gzip by default.
    const raw = Buffer.concat(chunks);
    const body = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    requests.push({ path: request.url ?? '', headers: request.headers });
    const { latencyMs = 0, status = 200, headers = {}, times, reset, until, together } = current;
    if (times !== undefined && times <= 1) current = {};
    else if (times !== undefined) current = { ...current, times: times - 1 };
    response.on('close', () => settled++);
    if (reset) return void request.socket.destroy();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (until) await until;
    if (together !== undefined) await rendezvous(together);
    // A client that gave up (timeout) cancels the request: like the collector's receiver, keep nothing.
    if (response.destroyed || request.socket.destroyed) return;
    if (status >= 200 && status < 300) {
      if (request.url?.endsWith('/v1/traces')) spans.push(...decodeSpans(body));
      else if (request.url?.endsWith('/v1/logs')) logs.push(...decodeLogs(body));
    }
    response.writeHead(status, { 'content-type': 'application/x-protobuf', ...headers });
    response.end();
  });
  const rendezvous = (count: number) =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (waiting.length < count) return;
      for (const release of waiting) release();
      waiting = [];
    });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${bound}`,
    spans,
    logs,
    requests,
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
