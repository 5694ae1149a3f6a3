/**
 * npm run receiver [-- --port 4318] [--attributes]
 *
 * A local development receiver on loopback: OTLP/HTTP protobuf (`/v1/traces`, `/v1/logs`, `/v1/metrics`) and
 * Loki push (`/loki/api/v1/push`, JSON), printing each trace as a tree with its log lines, then the metrics. For trying functions with
 * `npm run invoke -- <fn> --endpoint http://127.0.0.1:4318` — not for production: use the Collector there.
 */
import { parseArgs } from 'node:util';
import { decompressed, startLoopbackServer } from './loopback.ts';
import { decodeLogs, decodeMetrics, decodeSpans, type ReceivedLog, type ReceivedMetric, type ReceivedSpan } from './otlp-decode.ts';
import { renderMetrics } from './metric-view.ts';
import { renderTraces } from './trace-view.ts';

export interface LocalReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly metrics: ReceivedMetric[];
  close(): Promise<void>;
}

export async function startLocalReceiver(port = 0, onData?: () => void): Promise<LocalReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const metrics: ReceivedMetric[] = [];
  const server = await startLoopbackServer({
    port,
    handle: (request) => {
      const body = decompressed(request);
      if (request.path === '/v1/traces') spans.push(...decodeSpans(body));
      else if (request.path === '/v1/logs') logs.push(...decodeLogs(body));
      else if (request.path === '/v1/metrics') metrics.push(...decodeMetrics(body));
      else if (request.path === '/loki/api/v1/push') logs.push(...fromLokiJson(JSON.parse(body.toString('utf8'))));
      else return { status: 404 };
      onData?.();
      return { status: request.path.startsWith('/loki') ? 204 : 200 };
    },
  });
  return { url: server.url, spans, logs, metrics, close: server.close };
}

/** Loki push entries as log records, so they render under their spans like OTLP ones. */
function fromLokiJson(body: {
  streams?: { stream: Record<string, string>; values: [string, string, Record<string, string>?][] }[];
}): ReceivedLog[] {
  return (body.streams ?? []).flatMap((stream) =>
    stream.values.map(([timeNs, line, metadata = {}]) => ({
      traceId: metadata.trace_id ?? '',
      spanId: metadata.span_id ?? '',
      flags: 0,
      severityNumber: Number(metadata.severity_number ?? 0),
      severityText: (stream.stream.level ?? 'log').toUpperCase(),
      body: line,
      attributes: metadata,
      resource: { 'service.name': stream.stream.service_name },
      timeNs,
    })),
  );
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '4318' }, attributes: { type: 'boolean', default: false } } });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const receiver: LocalReceiver = await startLocalReceiver(Number(values.port), () => {
    clearTimeout(timer);
    // Print once a burst of exports has settled.
    timer = setTimeout(() => {
      console.log(renderTraces(receiver.spans.splice(0), receiver.logs.splice(0), { attributes: values.attributes }));
      if (receiver.metrics.length > 0) console.log(renderMetrics(receiver.metrics.splice(0)));
    }, 300);
  }).catch((error: Error) => {
    console.error(`receiver: cannot listen on 127.0.0.1:${values.port}: ${error.message}`);
    process.exit(2);
  });
  console.log(`receiver: OTLP/HTTP protobuf and Loki push on ${receiver.url} (development only; use the Collector in production)`);
}
