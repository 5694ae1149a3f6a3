import type { ExportResult } from '@opentelemetry/core';
import type { MetricRecord } from './metric-record.ts';

/**
 * What exports metric records: the OTLP exporter and the failover chain (the shape of the SDK's span and
 * log record exporters, for our records instead of the SDK's `ResourceMetrics`).
 */
export interface MetricRecordExporter {
  export(records: MetricRecord[], resultCallback: (result: ExportResult) => void): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * How many data points the records hold: what metrics are counted in, as OTLP's `rejected_data_points` is.
 *
 * @example
 * report.add('metrics', 'stdout', dataPointsOf(records));
 */
export function dataPointsOf(records: readonly MetricRecord[]): number {
  let points = 0;
  for (const record of records) points += record.data.points.length;
  return points;
}
