// The plain official OpenTelemetry setup a user would write by hand: tracer and logger providers with
// batch processors and the official OTLP proto exporters, a span per invocation, a log record emitted
// next to each console call, and forceFlush of both providers after each invocation. Shared by the
// `official` variant and the `official-metrics` one, which adds a meter provider.
import { SeverityNumber, context, type Logger } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { MetricsHooks } from './official-faas-meters.ts';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
// BENCH_NOOP_EXPORT isolates the instrumentation cost from the network (warm CPU figure).
const useNoop = Boolean(process.env.BENCH_NOOP_EXPORT);
export const resource = resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' });
const tracerProvider = new TracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor({ exporter: useNoop ? (noop as never) : new OTLPTraceExporter() })],
});
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: useNoop ? (noop as never) : new OTLPLogExporter() })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = tracerProvider.getTracer('bench');
const logger = loggerProvider.getLogger('bench');

/**
 * The bench handler, instrumented by hand; `metrics` records and flushes a meter provider too, `lines` replaces
 * the 5 console calls and their records (the redaction bench's line shapes).
 */
export function officialHandler(metrics?: MetricsHooks, lines?: (logger: Logger) => void) {
  return async (event: { i: number; lines?: number }, _context: unknown) => {
    const started = performance.now();
    try {
      return await tracer.startActiveSpan('handler', async (span) => {
        if (lines) lines(logger);
        else
          for (let n = 0; n < (event.lines ?? 5); n++) {
            console.log('processing item %d of order %s', n, 'A-1', { step: n });
            logger.emit({ severityNumber: SeverityNumber.INFO, body: `processing item ${n} of order A-1`, attributes: { step: n } });
          }
        span.end();
        return { statusCode: 200, body: String(event.i) };
      });
    } finally {
      metrics?.invoked(event.i, (performance.now() - started) / 1000);
      // forceFlush rejects when the export failed; a careful user does not let that fail the invocation.
      const flushes = [tracerProvider.forceFlush(), loggerProvider.forceFlush()];
      await Promise.allSettled(metrics ? [...flushes, metrics.forceFlush()] : flushes);
    }
  };
}
