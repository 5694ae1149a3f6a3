import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import { otlpLogExporter, otlpSpanExporter, type OtlpExporterConfig } from './otlp-protobuf-exporter.ts';
import { sumPartialSuccess } from './partial-success.ts';

// The public factories read partial_success in place. They live apart from the exporter so that a setup that
// passes its own reader (Lambda's loads it on demand) does not import the reader statically.
export type { Gzip, OtlpExporterConfig, OtlpExportResult, RequestEncoder } from './otlp-protobuf-exporter.ts';

/**
 * OTLP/HTTP protobuf span exporter with serverless timeouts.
 *
 * @example
 * new BatchSpanProcessor({ exporter: createOtlpSpanExporter({ url: 'http://localhost:4318/v1/traces', timeoutMs: 1000 }) });
 */
export function createOtlpSpanExporter(config: OtlpExporterConfig): SpanExporter & { forceFlush(): Promise<void> } {
  return otlpSpanExporter(config, sumPartialSuccess);
}

/**
 * OTLP/HTTP protobuf log record exporter with serverless timeouts.
 *
 * @example
 * new BatchLogRecordProcessor({ exporter: createOtlpLogExporter({ url: 'http://localhost:4318/v1/logs', timeoutMs: 1000 }) });
 */
export function createOtlpLogExporter(config: OtlpExporterConfig): LogRecordExporter {
  return otlpLogExporter(config, sumPartialSuccess);
}
