import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { hrTimeToNanos } from './hr-time.ts';
import type { HistogramPoint, MetricRecord, NumberPoint } from './metric-record.ts';

/** Writes one line; on Lambda `process.stdout.write`, elsewhere the console as it was before the bridge. */
export type LineWriter = (line: string) => void;

/**
 * The last resort: each record as one JSON line (OTLP field names, the `log.record.uid` attribute kept),
 * so Lambda's log capture holds what neither the collector nor Loki took, and it can be re-ingested and
 * de-duplicated later.
 *
 * @example
 * writeRecordsAsJsonLines(records, (line) => process.stdout.write(`${line}\n`));
 */
export function writeRecordsAsJsonLines(records: readonly ReadableLogRecord[], write: LineWriter): void {
  for (const record of records) {
    writeJsonLine(
      write,
      () => ({
        undelivered_log_record: true,
        time_unix_nano: hrTimeToNanos(record.hrTime),
        severity_number: record.severityNumber,
        severity_text: record.severityText,
        body: record.body,
        trace_id: record.spanContext?.traceId,
        span_id: record.spanContext?.spanId,
        attributes: record.attributes,
        resource: record.resource.attributes,
      }),
      () => ({ undelivered_log_record: true, time_unix_nano: hrTimeToNanos(record.hrTime), body: String(record.body) }),
    );
  }
}

/**
 * The last resort for spans: one JSON line each (OTLP field names; trace and span ids make a late
 * duplicate easy to drop).
 *
 * @example
 * writeSpansAsJsonLines(spans, (line) => process.stdout.write(`${line}\n`));
 */
export function writeSpansAsJsonLines(spans: readonly ReadableSpan[], write: LineWriter): void {
  for (const span of spans) {
    const ids = () => ({
      undelivered_span: true,
      trace_id: span.spanContext().traceId,
      span_id: span.spanContext().spanId,
      parent_span_id: span.parentSpanContext?.spanId,
      name: span.name,
    });
    writeJsonLine(
      write,
      () => ({
        ...ids(),
        kind: span.kind,
        start_time_unix_nano: hrTimeToNanos(span.startTime),
        end_time_unix_nano: hrTimeToNanos(span.endTime),
        status: span.status,
        attributes: span.attributes,
        events: span.events.length > 0 ? span.events : undefined,
        links: span.links.length > 0 ? span.links : undefined,
        resource: span.resource.attributes,
      }),
      ids,
    );
  }
}

/**
 * The last resort for metrics on the edge: one JSON line per metric record (OTLP field names; numbers JSON
 * cannot hold, NaN and the infinities, as null):
 * `{"undelivered_metric":true,"name","description","unit","type":"sum"|"gauge"|"histogram","value_type":"int"|"double",
 * "aggregation_temporality":"delta"|"cumulative","is_monotonic","data_points":[{"attributes","start_time_unix_nano",
 * "time_unix_nano","value"}, or for histograms {…,"count","sum","min","max","explicit_bounds","bucket_counts"}],
 * "scope":{"name","version"},"resource":{…}}`. Metrics have no id: a late duplicate is told by name, attributes and times.
 *
 * @example
 * writeMetricsAsJsonLines(records, (line) => console.log(line));
 */
export function writeMetricsAsJsonLines(records: readonly MetricRecord[], write: LineWriter): void {
  for (const record of records) {
    const data = record.data;
    const head = () => ({ undelivered_metric: true, name: record.name, type: data.type });
    writeJsonLine(
      write,
      () => ({
        ...head(),
        description: record.description || undefined,
        unit: record.unit || undefined,
        value_type: record.valueType,
        aggregation_temporality: data.type === 'gauge' ? undefined : data.temporality,
        is_monotonic: data.type === 'sum' ? data.monotonic : undefined,
        data_points: data.type === 'histogram' ? data.points.map(histogramPoint) : data.points.map(numberPoint),
        scope: { name: record.instrumentationScope.name, version: record.instrumentationScope.version },
        resource: record.resource.attributes,
      }),
      () => ({ ...head(), data_point_count: data.points.length }),
    );
  }
}

const pointTimes = (point: NumberPoint | HistogramPoint) => ({
  attributes: point.attributes,
  start_time_unix_nano: hrTimeToNanos(point.startTime),
  time_unix_nano: hrTimeToNanos(point.time),
});

const numberPoint = (point: NumberPoint) => ({ ...pointTimes(point), value: point.value });

const histogramPoint = (point: HistogramPoint) => ({
  ...pointTimes(point),
  count: point.count,
  sum: point.sum,
  min: point.min,
  max: point.max,
  explicit_bounds: point.boundaries,
  bucket_counts: point.bucketCounts,
});

function writeJsonLine(write: LineWriter, full: () => object, minimal: () => object): void {
  let line: string;
  try {
    line = JSON.stringify(full(), (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));
  } catch {
    line = JSON.stringify(minimal());
  }
  try {
    write(line);
  } catch {
    // Nothing is left to try; the line was the last resort.
  }
}
