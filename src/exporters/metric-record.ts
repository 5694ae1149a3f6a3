import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ScopedRecord } from './otlp/encode-common.ts';

/**
 * How a sum or histogram point relates to the ones before it: `delta` counts what happened since the
 * previous collection (the default: one collection per invocation, no state across environments),
 * `cumulative` everything since `startTime` (the process's first collection).
 * https://opentelemetry.io/docs/specs/otel/metrics/data-model/#temporality
 */
export type MetricTemporality = 'delta' | 'cumulative';

/** One point of a sum or a gauge. */
export interface NumberPoint {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly time: HrTime;
  readonly value: number;
}

/** One point of an explicit-bucket histogram: `bucketCounts` has one more entry than `boundaries`. */
export interface HistogramPoint {
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly time: HrTime;
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly boundaries: readonly number[];
  readonly bucketCounts: readonly number[];
}

export type MetricData =
  | { readonly type: 'sum'; readonly monotonic: boolean; readonly temporality: MetricTemporality; readonly points: readonly NumberPoint[] }
  | { readonly type: 'gauge'; readonly points: readonly NumberPoint[] }
  | { readonly type: 'histogram'; readonly temporality: MetricTemporality; readonly points: readonly HistogramPoint[] };

/**
 * One instrument's points from one collection: the unit the metrics pipeline queues, exports and writes to
 * stdout (as OTLP's `Metric`, nested under its resource and scope like spans and log records).
 */
export interface MetricRecord extends ScopedRecord {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  /** `int`: the instrument was created with `valueType: INT` (written as `as_int`); `double` otherwise. */
  readonly valueType: 'int' | 'double';
  readonly data: MetricData;
}
