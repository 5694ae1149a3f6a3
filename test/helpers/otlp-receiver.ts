import { createServer, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

/** The official OTLP .proto files, as shipped by the OpenTelemetry JS gRPC exporter base package. */
const require = createRequire(import.meta.url);
const protoRoot = join(dirname(require.resolve('@opentelemetry/otlp-grpc-exporter-base/package.json')), 'build/protos');

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync([
    'opentelemetry/proto/collector/trace/v1/trace_service.proto',
    'opentelemetry/proto/collector/logs/v1/logs_service.proto',
  ], { keepCase: false });
  return root;
}
const root = loadRoot();
const TraceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const LogsRequest = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');

export type Attrs = Record<string, unknown>;
export interface ReceivedSpan {
  traceId: string; spanId: string; parentSpanId: string; name: string; kind: number;
  attributes: Attrs; resource: Attrs; status: { code: number; message: string };
  events: { name: string; attributes: Attrs }[]; links: { traceId: string; spanId: string }[];
}
export interface ReceivedLog {
  traceId: string; spanId: string; flags: number; severityNumber: number; severityText: string;
  body: unknown; attributes: Attrs; resource: Attrs;
}
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
  behave(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(behaviour: ReceiverBehaviour = {}): Promise<OtlpReceiver> {
  let current = behaviour;
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const requests: OtlpReceiver['requests'] = [];
  const server: Server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ path: request.url ?? '', headers: request.headers });
    const { latencyMs = 0, status = 200, headers = {}, times, reset } = current;
    if (times !== undefined && times <= 1) current = {};
    else if (times !== undefined) current = { ...current, times: times - 1 };
    if (reset) return void request.socket.destroy();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    if (status >= 200 && status < 300) {
      if (request.url === '/v1/traces') spans.push(...decodeSpans(body));
      else if (request.url === '/v1/logs') logs.push(...decodeLogs(body));
    }
    response.writeHead(status, { 'content-type': 'application/x-protobuf', ...headers });
    response.end();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    logs,
    requests,
    behave: (next) => { current = next; },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

const hex = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '');

function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attrs((value.kvlistValue as { values?: never[] }).values);
  if ('bytesValue' in value) return hex(value.bytesValue);
  return undefined;
}

function attrs(list: { key: string; value?: Record<string, unknown> }[] | undefined): Attrs {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, anyValue(value)]));
}

export function decodeSpans(body: Uint8Array): ReceivedSpan[] {
  const request = TraceRequest.toObject(TraceRequest.decode(body), { longs: String, oneofs: true }) as any;
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attrs(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        out.push({
          traceId: hex(span.traceId), spanId: hex(span.spanId), parentSpanId: hex(span.parentSpanId),
          name: span.name, kind: span.kind ?? 0, attributes: attrs(span.attributes), resource,
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
          events: (span.events ?? []).map((event: any) => ({ name: event.name, attributes: attrs(event.attributes) })),
          links: (span.links ?? []).map((link: any) => ({ traceId: hex(link.traceId), spanId: hex(link.spanId) })),
        });
      }
    }
  }
  return out;
}

export function decodeLogs(body: Uint8Array): ReceivedLog[] {
  const request = LogsRequest.toObject(LogsRequest.decode(body), { longs: String, oneofs: true }) as any;
  const out: ReceivedLog[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attrs(resourceLogs.resource?.attributes);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        out.push({
          traceId: hex(record.traceId), spanId: hex(record.spanId), flags: record.flags ?? 0,
          severityNumber: record.severityNumber ?? 0, severityText: record.severityText ?? '',
          body: anyValue(record.body), attributes: attrs(record.attributes), resource,
        });
      }
    }
  }
  return out;
}
