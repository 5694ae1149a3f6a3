// The OTLP/HTTP protobuf export requests, read without protobufjs: the messages and fields of
// opentelemetry-proto (common/v1, resource/v1, trace/v1, logs/v1, metrics/v1) that the receiver shows.
// https://github.com/open-telemetry/opentelemetry-proto/tree/main/opentelemetry/proto
import { hex } from './otlp-attributes.ts';
import { metricsOf, type ReceivedMetric } from './otlp-metrics.ts';
import { logsOf, spansOf, type ReceivedLog, type ReceivedSpan } from './otlp-objects.ts';
import { readMessage, type MessageSchema } from './protobuf-reader.ts';

const AnyValue: MessageSchema = {
  1: ['stringValue', 'string'],
  2: ['boolValue', 'bool'],
  3: ['intValue', 'int64'],
  4: ['doubleValue', 'double'],
  5: ['arrayValue', () => ({ 1: ['values', () => AnyValue, 'repeated'] })],
  6: ['kvlistValue', () => ({ 1: ['values', () => KeyValue, 'repeated'] })],
  7: ['bytesValue', 'bytes'],
};
const KeyValue: MessageSchema = { 1: ['key', 'string'], 2: ['value', () => AnyValue] };
const attributes = (field: number): MessageSchema => ({ [field]: ['attributes', () => KeyValue, 'repeated'] });
const Resource: MessageSchema = attributes(1);
const Scope: MessageSchema = { 1: ['name', 'string'], 2: ['version', 'string'], ...attributes(3) };

const Span: MessageSchema = {
  1: ['traceId', 'bytes'],
  2: ['spanId', 'bytes'],
  4: ['parentSpanId', 'bytes'],
  5: ['name', 'string'],
  6: ['kind', 'uint'],
  7: ['startTimeUnixNano', 'fixed64'],
  8: ['endTimeUnixNano', 'fixed64'],
  ...attributes(9),
  11: ['events', () => ({ 1: ['timeUnixNano', 'fixed64'], 2: ['name', 'string'], ...attributes(3) }), 'repeated'],
  13: ['links', () => ({ 1: ['traceId', 'bytes'], 2: ['spanId', 'bytes'], ...attributes(4) }), 'repeated'],
  15: ['status', () => ({ 2: ['message', 'string'], 3: ['code', 'uint'] })],
  16: ['flags', 'fixed32'],
};
const LogRecord: MessageSchema = {
  1: ['timeUnixNano', 'fixed64'],
  11: ['observedTimeUnixNano', 'fixed64'],
  2: ['severityNumber', 'uint'],
  3: ['severityText', 'string'],
  5: ['body', () => AnyValue],
  ...attributes(6),
  8: ['flags', 'fixed32'],
  9: ['traceId', 'bytes'],
  10: ['spanId', 'bytes'],
};
const NumberDataPoint: MessageSchema = {
  ...attributes(7),
  2: ['startTimeUnixNano', 'fixed64'],
  3: ['timeUnixNano', 'fixed64'],
  4: ['asDouble', 'double'],
  6: ['asInt', 'sfixed64'],
};
const HistogramDataPoint: MessageSchema = {
  ...attributes(9),
  2: ['startTimeUnixNano', 'fixed64'],
  3: ['timeUnixNano', 'fixed64'],
  4: ['count', 'fixed64'],
  5: ['sum', 'double'],
  6: ['bucketCounts', 'fixed64', 'repeated'],
  7: ['explicitBounds', 'double', 'repeated'],
  11: ['min', 'double'],
  12: ['max', 'double'],
};
const Metric: MessageSchema = {
  1: ['name', 'string'],
  2: ['description', 'string'],
  3: ['unit', 'string'],
  5: ['gauge', () => ({ 1: ['dataPoints', () => NumberDataPoint, 'repeated'] })],
  7: [
    'sum',
    () => ({ 1: ['dataPoints', () => NumberDataPoint, 'repeated'], 2: ['aggregationTemporality', 'uint'], 3: ['isMonotonic', 'bool'] }),
  ],
  9: ['histogram', () => ({ 1: ['dataPoints', () => HistogramDataPoint, 'repeated'], 2: ['aggregationTemporality', 'uint'] })],
};

/** `Export<Signal>ServiceRequest`: resource → scope → items, the shape all three signals share. */
const request = (resources: string, scopes: string, items: string, item: MessageSchema): MessageSchema => ({
  1: [
    resources,
    () => ({
      1: ['resource', () => Resource],
      2: [scopes, () => ({ 1: ['scope', () => Scope], 2: [items, () => item, 'repeated'] }), 'repeated'],
    }),
    'repeated',
  ],
});
const TraceRequest = request('resourceSpans', 'scopeSpans', 'spans', Span);
const LogsRequest = request('resourceLogs', 'scopeLogs', 'logRecords', LogRecord);
const MetricsRequest = request('resourceMetrics', 'scopeMetrics', 'metrics', Metric);

/** The spans of an OTLP/HTTP protobuf trace request (`POST /v1/traces`). */
export function readSpans(body: Uint8Array): ReceivedSpan[] {
  return spansOf(readMessage(body, TraceRequest), hex);
}

/** The log records of an OTLP/HTTP protobuf logs request (`POST /v1/logs`). */
export function readLogs(body: Uint8Array): ReceivedLog[] {
  return logsOf(readMessage(body, LogsRequest), hex);
}

/** The metrics of an OTLP/HTTP protobuf metrics request (`POST /v1/metrics`). */
export function readMetrics(body: Uint8Array): ReceivedMetric[] {
  return metricsOf(readMessage(body, MetricsRequest));
}
