import { metricsOf, type ReceivedMetric } from '../src/cli/otlp-metrics.ts';
import { hex } from '../src/cli/otlp-attributes.ts';
import { logsOf, spansOf, type ReceivedLog, type ReceivedSpan } from '../src/cli/otlp-objects.ts';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import protobuf from 'protobufjs';

/**
 * Decodes OTLP/HTTP protobuf requests with the official .proto files (shipped by the OpenTelemetry JS gRPC
 * exporter base package, a dev dependency) into plain objects: what tests read. The package's own reader
 * (src/cli/otlp-read.ts, for `faas-observability invoke`) is checked against this one.
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

export type { Attrs } from '../src/cli/otlp-attributes.ts';
export type { ReceivedMetric, ReceivedPoint } from '../src/cli/otlp-metrics.ts';
export type { ReceivedLog, ReceivedSpan } from '../src/cli/otlp-objects.ts';
export { fromOtlpJsonLine } from '../src/cli/otlp-objects.ts';

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
