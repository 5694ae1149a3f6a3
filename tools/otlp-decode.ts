import { metricsOf, type ReceivedMetric } from './otlp-decode-metrics.ts';
import { anyValue, attrs, hex, type Attrs } from './otlp-attributes.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * Decodes OTLP/HTTP protobuf requests with the official .proto files (shipped by the OpenTelemetry JS gRPC
 * exporter base package, a dev dependency) into plain objects: what tests and the invoke report read.
 */
const require = createRequire(import.meta.url);
const protoRoot = join(dirname(require.resolve('@opentelemetry/otlp-grpc-exporter-base/package.json')), 'build/protos');

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoRoot, target);
  root.loadSync(
    [
      'opentelemetry/proto/collector/trace/v1/trace_service.proto',
      'opentelemetry/proto/collector/logs/v1/logs_service.proto',
      'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
    ],
    { keepCase: false },
  );
  return root;
}
const root = loadRoot();
const TraceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
const LogsRequest = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
const MetricsRequest = root.lookupType('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest');

/** The official request message types, for tools that look inside a request (the bench's byte breakdown). */
export const OTLP_REQUEST_TYPES = { traces: TraceRequest, logs: LogsRequest, metrics: MetricsRequest } as const;

export type OtlpSignal = keyof typeof OTLP_REQUEST_TYPES;

export type { Attrs } from './otlp-attributes.ts';
export type { ReceivedMetric, ReceivedPoint } from './otlp-decode-metrics.ts';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Attrs;
  resource: Attrs;
  status: { code: number; message: string };
  events: { name: string; attributes: Attrs }[];
  links: { traceId: string; spanId: string }[];
  /** Nanoseconds since the epoch, as decimal strings. */
  startNs: string;
  endNs: string;
  /**
   * `Span.flags`: the W3C trace flags (bit 0, sampled) and the parent's remote bits. Read from OTLP JSON (the
   * collector's file exporter); the bundled .proto files predate the field, so a protobuf request reads 0.
   * Absent where the source has no such field (Jaeger's query API).
   */
  flags?: number;
}
export interface ReceivedLog {
  traceId: string;
  spanId: string;
  flags: number;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Attrs;
  resource: Attrs;
  timeNs: string;
}

type IdText = (value: unknown) => string;
// Protobuf carries ids as bytes; OTLP JSON (the collector's file exporter) as hex strings.
const idOfJson: IdText = (value) => (typeof value === 'string' ? value.toLowerCase() : '');

export function decodeSpans(body: Uint8Array): ReceivedSpan[] {
  return spansOf(TraceRequest.toObject(TraceRequest.decode(body), { longs: String, oneofs: true }), hex);
}

export function decodeLogs(body: Uint8Array): ReceivedLog[] {
  return logsOf(LogsRequest.toObject(LogsRequest.decode(body), { longs: String, oneofs: true }), hex);
}

export function decodeMetrics(body: Uint8Array): ReceivedMetric[] {
  return metricsOf(MetricsRequest.toObject(MetricsRequest.decode(body), { longs: String, oneofs: true }));
}

/** A whole request as protobufjs reads it against the official .proto files (int64 as strings, bytes as hex). */
export function decodeRequest(signal: OtlpSignal, body: Uint8Array): Record<string, unknown> {
  const type = OTLP_REQUEST_TYPES[signal];
  return type.toObject(type.decode(body), { longs: String, bytes: String, oneofs: true, defaults: false });
}

/** Reads one OTLP JSON line as the collector's file exporter writes it (traces, logs or metrics). */
export function fromOtlpJsonLine(line: string): { spans: ReceivedSpan[]; logs: ReceivedLog[]; metrics: ReceivedMetric[] } {
  const request = JSON.parse(line);
  return { spans: spansOf(request, idOfJson), logs: logsOf(request, idOfJson), metrics: metricsOf(request) };
}

function spansOf(request: any, id: IdText): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attrs(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        out.push({
          traceId: id(span.traceId),
          spanId: id(span.spanId),
          parentSpanId: id(span.parentSpanId),
          name: span.name,
          kind: span.kind ?? 0,
          attributes: attrs(span.attributes),
          resource,
          status: { code: span.status?.code ?? 0, message: span.status?.message ?? '' },
          events: (span.events ?? []).map((event: any) => ({ name: event.name, attributes: attrs(event.attributes) })),
          links: (span.links ?? []).map((link: any) => ({ traceId: id(link.traceId), spanId: id(link.spanId) })),
          startNs: String(span.startTimeUnixNano ?? '0'),
          endNs: String(span.endTimeUnixNano ?? '0'),
          flags: Number(span.flags ?? 0),
        });
      }
    }
  }
  return out;
}

function logsOf(request: any, id: IdText): ReceivedLog[] {
  const out: ReceivedLog[] = [];
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resource = attrs(resourceLogs.resource?.attributes);
    for (const scope of resourceLogs.scopeLogs ?? []) {
      for (const record of scope.logRecords ?? []) {
        out.push({
          traceId: id(record.traceId),
          spanId: id(record.spanId),
          flags: record.flags ?? 0,
          severityNumber: record.severityNumber ?? 0,
          severityText: record.severityText ?? '',
          body: anyValue(record.body),
          attributes: attrs(record.attributes),
          resource,
          timeNs: String(record.timeUnixNano ?? record.observedTimeUnixNano ?? '0'),
        });
      }
    }
  }
  return out;
}

// The response messages as opentelemetry-proto defines them since v0.19 (the .proto files shipped with the
// gRPC exporter base package predate partial_success): collector/{trace,logs,metrics}/v1/*_service.proto.
const RESPONSES = protobuf.parse(`
syntax = "proto3";
package otlp.responses;
message ExportTracePartialSuccess { int64 rejected_spans = 1; string error_message = 2; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportLogsPartialSuccess { int64 rejected_log_records = 1; string error_message = 2; }
message ExportLogsServiceResponse { ExportLogsPartialSuccess partial_success = 1; }
message ExportMetricsPartialSuccess { int64 rejected_data_points = 1; string error_message = 2; }
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
`).root;

/** An OTLP/HTTP protobuf success answer carrying `partial_success`, encoded by protobufjs from the OTLP definitions. */
export function encodePartialSuccess(signal: OtlpSignal, rejected: number, errorMessage: string): Uint8Array {
  const [name, count] = (
    {
      traces: ['ExportTraceServiceResponse', 'rejectedSpans'],
      logs: ['ExportLogsServiceResponse', 'rejectedLogRecords'],
      metrics: ['ExportMetricsServiceResponse', 'rejectedDataPoints'],
    } as const
  )[signal];
  const type = RESPONSES.lookupType(`otlp.responses.${name}`);
  const partialSuccess = { [count]: rejected, errorMessage };
  return type.encode(type.create({ partialSuccess })).finish();
}

/**
 * A received record's `log.record.uid`: the attribute when sent, else the uid derived from its span id and
 * timestamp (src/exporters/record-uid.ts: an OTLP request leaves a derivable uid out).
 */
export function recordUidOf(log: Pick<ReceivedLog, 'attributes' | 'spanId' | 'timeNs'>): string | undefined {
  const sent = log.attributes['log.record.uid'];
  if (typeof sent === 'string') return sent;
  return log.spanId ? `${log.spanId}-${log.timeNs}` : undefined;
}
