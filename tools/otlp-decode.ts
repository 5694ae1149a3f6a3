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

export type Attrs = Record<string, unknown>;
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
/** One data point of a received metric: `value` for sums and gauges, the rest for histograms. */
export interface ReceivedPoint {
  attributes: Attrs;
  /** Nanoseconds since the epoch, as decimal strings. */
  startNs: string;
  timeNs: string;
  /** `as_int` (read as a number) or `as_double`. */
  value?: number;
  /** Which of the two the point carried. */
  valueKind?: 'int' | 'double';
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}
export interface ReceivedMetric {
  name: string;
  description: string;
  unit: string;
  type: 'sum' | 'gauge' | 'histogram' | 'other';
  /** 1 delta, 2 cumulative (0 for gauges). */
  temporality: number;
  monotonic: boolean;
  points: ReceivedPoint[];
  scope: { name: string; version: string };
  resource: Attrs;
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

function metricsOf(request: any): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resource = attrs(resourceMetrics.resource?.attributes);
    for (const scoped of resourceMetrics.scopeMetrics ?? []) {
      const scope = { name: scoped.scope?.name ?? '', version: scoped.scope?.version ?? '' };
      for (const metric of scoped.metrics ?? []) {
        // protobufjs names the oneof member in `data`; OTLP JSON (the collector's file exporter) only has the member.
        const type = (['sum', 'gauge', 'histogram'] as const).find((kind) => metric[kind] !== undefined) ?? 'other';
        const data = metric[type] ?? {};
        out.push({
          name: metric.name,
          description: metric.description ?? '',
          unit: metric.unit ?? '',
          type,
          temporality: data.aggregationTemporality ?? 0,
          monotonic: data.isMonotonic ?? false,
          points: (data.dataPoints ?? []).map(pointOf),
          scope,
          resource,
        });
      }
    }
  }
  return out;
}

function pointOf(point: any): ReceivedPoint {
  const out: ReceivedPoint = {
    attributes: attrs(point.attributes),
    startNs: String(point.startTimeUnixNano ?? '0'),
    timeNs: String(point.timeUnixNano ?? '0'),
  };
  if (point.asInt !== undefined) Object.assign(out, { value: Number(point.asInt), valueKind: 'int' });
  if (point.asDouble !== undefined) Object.assign(out, { value: point.asDouble, valueKind: 'double' });
  if (point.count !== undefined) {
    Object.assign(out, {
      count: Number(point.count),
      sum: point.sum,
      min: point.min,
      max: point.max,
      bucketCounts: (point.bucketCounts ?? []).map(Number),
      explicitBounds: point.explicitBounds ?? [],
    });
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
