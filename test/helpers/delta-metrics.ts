import { ValueType, type Attributes } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type MetricData } from '@opentelemetry/sdk-metrics';

/** One delta point as a test writes it: its attributes and value (a number, or a histogram's recorded values). */
export interface DeltaPoint<T> {
  readonly attributes?: Attributes;
  readonly value: T;
}

/** The shape of one delta instrument in a request: a monotonic sum (int or double) or an explicit-bucket histogram. */
export type DeltaInstrument =
  | {
      readonly kind: 'sum';
      readonly name: string;
      readonly unit: string;
      readonly valueType: ValueType;
      readonly points: readonly DeltaPoint<number>[];
    }
  | {
      readonly kind: 'histogram';
      readonly name: string;
      readonly unit: string;
      readonly boundaries: readonly number[];
      readonly points: readonly DeltaPoint<readonly number[]>[];
    };

/**
 * An OTLP/HTTP protobuf metrics request body (`ExportMetricsServiceRequest`) of delta points, each over
 * `[start, end]` (epoch milliseconds), under one resource: what one process sends for one collection. Built by
 * the SDK's own serializer, so the bytes are what an OTLP exporter sends.
 *
 * @example
 * const body = deltaMetricsBody(
 *   { 'service.name': 'orders-api', 'service.instance.id': 'i-1' },
 *   [{ kind: 'sum', name: 'faas.invocations', unit: '{invocation}', valueType: ValueType.INT, points: [{ value: 1 }] }],
 *   { start: Date.now() - 1000, end: Date.now() },
 * );
 */
export function deltaMetricsBody(
  resource: Attributes,
  instruments: readonly DeltaInstrument[],
  time: { start: number; end: number },
): Uint8Array {
  const startTime = hrTime(time.start);
  const endTime = hrTime(time.end);
  const metrics = instruments.map((instrument): MetricData => {
    const descriptor = { name: instrument.name, description: '', unit: instrument.unit };
    if (instrument.kind === 'sum') {
      return {
        descriptor: { ...descriptor, valueType: instrument.valueType },
        aggregationTemporality: AggregationTemporality.DELTA,
        dataPointType: DataPointType.SUM,
        isMonotonic: true,
        dataPoints: instrument.points.map((point) => ({ startTime, endTime, attributes: point.attributes ?? {}, value: point.value })),
      };
    }
    return {
      descriptor: { ...descriptor, valueType: ValueType.DOUBLE },
      aggregationTemporality: AggregationTemporality.DELTA,
      dataPointType: DataPointType.HISTOGRAM,
      dataPoints: instrument.points.map((point) => ({
        startTime,
        endTime,
        attributes: point.attributes ?? {},
        value: histogramOf(instrument.boundaries, point.value),
      })),
    };
  });
  const body = ProtobufMetricsSerializer.serializeRequest({
    resource: resourceFromAttributes(resource),
    scopeMetrics: [{ scope: { name: 'faas-observability-e2e' }, metrics }],
  });
  if (!body) throw new Error('the OTLP metrics serializer returned nothing');
  return body;
}

/**
 * Explicit buckets as OTLP counts them: bucket i holds the values in (bounds[i-1], bounds[i]], the last one the
 * rest (https://opentelemetry.io/docs/specs/otel/metrics/data-model/#histogram).
 *
 * @example
 * bucketCounts([10, 100], [5, 10, 50, 500]); // [2, 1, 1]
 */
export function bucketCounts(boundaries: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  for (const value of values) {
    const index = boundaries.findIndex((bound) => value <= bound);
    counts[index === -1 ? boundaries.length : index]! += 1;
  }
  return counts;
}

function histogramOf(boundaries: readonly number[], values: readonly number[]) {
  return {
    buckets: { boundaries: [...boundaries], counts: bucketCounts(boundaries, values) },
    sum: values.reduce((a, b) => a + b, 0),
    count: values.length,
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

function hrTime(ms: number): [number, number] {
  return [Math.floor(ms / 1000), (ms % 1000) * 1_000_000];
}
