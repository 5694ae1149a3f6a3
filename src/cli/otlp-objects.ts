/* eslint-disable @typescript-eslint/no-explicit-any -- decoded OTLP messages and OTLP JSON are untyped trees */
// Spans and log records as tests, the receiver and `invoke` read them: from a decoded protobuf request
// (otlp-read.ts, or protobufjs in the tests) or from OTLP JSON (the collector's file exporter).
import { anyValue, attrs, type Attrs } from './otlp-attributes.ts';
import { metricsOf, type ReceivedMetric } from './otlp-metrics.ts';

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
   * `Span.flags`: the W3C trace flags (bit 0, sampled) and the parent's remote bits. Read from OTLP JSON and by
   * otlp-read.ts; the .proto files the tests decode with predate the field, so protobufjs reads 0.
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

/** How a decoder carries ids: bytes (protobuf) or hex strings (OTLP JSON). */
export type IdText = (value: unknown) => string;

// OTLP JSON (the collector's file exporter) carries ids as hex strings.
const idOfJson: IdText = (value) => (typeof value === 'string' ? value.toLowerCase() : '');

/** Reads one OTLP JSON line as the collector's file exporter writes it (traces, logs or metrics). */
export function fromOtlpJsonLine(line: string): { spans: ReceivedSpan[]; logs: ReceivedLog[]; metrics: ReceivedMetric[] } {
  const request = JSON.parse(line);
  return { spans: spansOf(request, idOfJson), logs: logsOf(request, idOfJson), metrics: metricsOf(request) };
}

/** The spans of one decoded `ExportTraceServiceRequest`, each with its resource. */
export function spansOf(request: any, id: IdText): ReceivedSpan[] {
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

/** The log records of one decoded `ExportLogsServiceRequest`, each with its resource. */
export function logsOf(request: any, id: IdText): ReceivedLog[] {
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
