import type { HistogramPoint, MetricRecord, MetricTemporality, NumberPoint } from '../metric-record.ts';
import { attributes, encodeRequest } from './encode-common.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';

/**
 * An OTLP `ExportMetricsServiceRequest` (opentelemetry/proto/collector/metrics/v1): byte for byte what the
 * official `ProtobufMetricsSerializer` writes for the same points, each record one `Metric` (field 2 of its
 * `ScopeMetrics`), grouped by resource and scope like spans and log records.
 *
 * @example
 * await fetch(url, { method: 'POST', body: encodeMetrics(records), headers: { 'content-type': 'application/x-protobuf' } });
 */
export function encodeMetrics(records: readonly MetricRecord[]): Uint8Array {
  return encodeRequest(records, writeMetric);
}

// opentelemetry/proto/metrics/v1/metrics.proto: AggregationTemporality.
const TEMPORALITY: Record<MetricTemporality, number> = { delta: 1, cumulative: 2 };

function writeMetric(w: ProtobufWriter, record: MetricRecord): void {
  const at = w.open(2);
  w.tag(1, 2);
  w.string(record.name);
  if (record.description) {
    w.tag(2, 2);
    w.string(record.description);
  }
  if (record.unit) {
    w.tag(3, 2);
    w.string(record.unit);
  }
  const data = record.data;
  const asInt = record.valueType === 'int';
  if (data.type === 'gauge') {
    const gauge = w.open(5);
    for (const point of data.points) writeNumberPoint(w, point, asInt);
    w.close(gauge);
  } else if (data.type === 'sum') {
    const sum = w.open(7);
    for (const point of data.points) writeNumberPoint(w, point, asInt);
    w.tag(2, 0);
    w.varint(TEMPORALITY[data.temporality]);
    if (data.monotonic) {
      w.tag(3, 0);
      w.varint(1);
    }
    w.close(sum);
  } else {
    const histogram = w.open(9);
    for (const point of data.points) writeHistogramPoint(w, point);
    w.tag(2, 0);
    w.varint(TEMPORALITY[data.temporality]);
    w.close(histogram);
  }
  w.close(at);
}

/** A `NumberDataPoint` in field 1: `as_int` (sfixed64) for an int instrument, `as_double` otherwise. */
function writeNumberPoint(w: ProtobufWriter, point: NumberPoint, asInt: boolean): void {
  const at = w.open(1);
  w.time(2, point.startTime);
  w.time(3, point.time);
  if (asInt) {
    w.tag(6, 1);
    w.sfixed64(point.value);
  } else {
    w.tag(4, 1);
    w.double(point.value);
  }
  attributes(w, 7, point.attributes);
  w.close(at);
}

/** A `HistogramDataPoint` in field 1: counts as fixed64, bounds as doubles, both packed. */
function writeHistogramPoint(w: ProtobufWriter, point: HistogramPoint): void {
  const at = w.open(1);
  w.time(2, point.startTime);
  w.time(3, point.time);
  w.tag(4, 1);
  w.sfixed64(point.count);
  w.tag(5, 1);
  w.double(point.sum);
  if (point.bucketCounts.length > 0) {
    const counts = w.open(6);
    for (const count of point.bucketCounts) w.sfixed64(count);
    w.close(counts);
  }
  if (point.boundaries.length > 0) {
    const bounds = w.open(7);
    for (const bound of point.boundaries) w.double(bound);
    w.close(bounds);
  }
  attributes(w, 9, point.attributes);
  w.tag(11, 1);
  w.double(point.min);
  w.tag(12, 1);
  w.double(point.max);
  w.close(at);
}
