// The plain official OpenTelemetry setup a user would write by hand: tracer and logger providers with
// batch processors and the official OTLP proto exporters, a span per invocation, a log record emitted
// next to each console call, and forceFlush of both providers after each invocation.
import { SeverityNumber, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const useNoop = Boolean(process.env.BENCH_NOOP_EXPORT);
const resource = resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' });
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

export const handler = async (event: { i: number; lines?: number }, _context: unknown) => {
  try {
    return await tracer.startActiveSpan('handler', async (span) => {
      for (let n = 0; n < (event.lines ?? 5); n++) {
        console.log('processing item %d of order %s', n, 'A-1', { step: n });
        logger.emit({ severityNumber: SeverityNumber.INFO, body: `processing item ${n} of order A-1`, attributes: { step: n } });
      }
      span.end();
      return { statusCode: 200, body: String(event.i) };
    });
  } finally {
    // forceFlush rejects when the export failed; a careful user does not let that fail the invocation.
    await Promise.allSettled([tracerProvider.forceFlush(), loggerProvider.forceFlush()]);
    void trace;
  }
};
