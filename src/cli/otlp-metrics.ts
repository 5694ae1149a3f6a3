/* eslint-disable @typescript-eslint/no-explicit-any -- protobufjs's toObject and OTLP JSON are untyped trees */
// Metrics as the decoders read them: from a decoded protobuf request (otlp-read.ts, or protobufjs in the
// tests) and from OTLP JSON (the collector's file exporter).
import { attrs, type Attrs } from './otlp-attributes.ts';

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

/** The metrics of one decoded `ExportMetricsServiceRequest`, each with its resource and scope. */
export function metricsOf(request: any): ReceivedMetric[] {
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
