import type { ExportResult } from '@opentelemetry/core';
import { ExportResultCode } from '@opentelemetry/core';
import { FailoverMetricExporter } from '../exporters/failover.ts';
import type { MetricRecord } from '../exporters/metric-record.ts';
import { dataPointsOf } from '../exporters/metric-record-exporter.ts';
import { otlpMetricExporter } from '../exporters/otlp/otlp-protobuf-exporter.ts';
import type { LineWriter } from '../exporters/stdout-records.ts';
import { consoleLineWriter, createPipeline, otlpTransportOf, type Pipeline, type PipelineInputs, type Shared } from './pipeline.ts';

/**
 * Metrics: one record per instrument and collection, OTLP → stdout in the runtime's line format; with the
 * `emf` exporter, straight to stdout (no endpoint). Points, not records, are what the report counts.
 *
 * @example
 * const metrics = createMetricPipeline(inputs, shared);
 */
export function createMetricPipeline(inputs: PipelineInputs, shared: Shared): Pipeline<MetricRecord> {
  const { config, transport, gzip, readPartialSuccess } = inputs;
  const metrics = config.metrics;
  const namespace = metrics.namespace ?? config.serviceName ?? 'faas-observability';
  const format = inputs.metricLines(namespace);
  const lines = (records: readonly MetricRecord[], write: LineWriter) => {
    for (const note of format(records, write)?.notes ?? []) shared.report.note(`metrics: ${note}`);
  };
  const otlpTransport = otlpTransportOf(transport, config.provided.requestSigner);
  const exporter =
    metrics.exporter === 'emf'
      ? stdoutMetricExporter(lines, inputs.lineWriter ?? consoleLineWriter())
      : new FailoverMetricExporter({
          primary: {
            exporter: otlpMetricExporter({ ...metrics.otlp, ...metrics.otlp.limits, transport: otlpTransport, gzip }, readPartialSuccess),
            breaker: shared.breakerFor(metrics.otlp.url),
          },
          lastResort: shared.lastResort,
          report: shared.report,
          format,
        });
  return createPipeline<MetricRecord>(shared, {
    signal: 'metrics',
    exporter,
    failover: exporter instanceof FailoverMetricExporter ? exporter : undefined,
    batch: config.logBatch,
    sizeOf: metricRecordSize,
    writeLines: lines,
    count: dataPointsOf,
  });
}

/** The `emf` exporter: every collection to stdout, where the platform's log capture takes it. */
function stdoutMetricExporter(lines: (records: readonly MetricRecord[], write: LineWriter) => void, write: LineWriter) {
  return {
    export(records: MetricRecord[], done: (result: ExportResult) => void) {
      lines(records, write);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

/** Heap held by one record: its points and, for histograms, their buckets. */
function metricRecordSize(record: MetricRecord): number {
  let bytes = 200;
  for (const point of record.data.points) bytes += 'bucketCounts' in point ? 160 + 16 * point.bucketCounts.length : 120;
  return bytes;
}
