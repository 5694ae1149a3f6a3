// The floor for any exporter: the bare handler plus two parallel raw node:http POSTs (a span request and a
// log request) to the same endpoint, with no telemetry at all. Flush and cold-start figures above this
// line are what telemetry itself costs.
// node:http through process.getBuiltinModule: an ESM import of it loads undici on Node 22 and 24 (its facade
// reads the `WebSocket` getter), ~25 ms that no exporter has to pay.
const { Agent, request } = process.getBuiltinModule('node:http');

const agent = new Agent({ keepAlive: true });
const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT ?? 'http://localhost:4318';
const post = (path: string) =>
  new Promise<void>((resolve) => {
    const outgoing = request(
      `${base}${path}`,
      { method: 'POST', agent, headers: { 'content-type': 'application/x-protobuf' } },
      (response) => {
        response.resume();
        response.on('end', resolve);
      },
    );
    outgoing.on('error', () => resolve());
    outgoing.end(Buffer.alloc(300));
  });

export const handler = async (event: { i: number }, _context: unknown) => {
  for (let n = 0; n < 5; n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  if (!process.env.BENCH_NOOP_EXPORT) await Promise.all([post('/v1/traces'), post('/v1/logs')]);
  return { statusCode: 200, body: String(event.i) };
};
