// The sampling bench's handler mix (mix.ts) with the official setup by hand: the traces and logs of
// official-handler.ts, head sampling through the SDK's own sampler (parentbased_traceidratio at
// OTEL_TRACES_SAMPLER_ARG, the SDK default at 1), the FaaS metrics of official-faas-meters.ts, a root span that
// records the error, a child span around the work, a log record beside each console call (all exported: the
// logs SDK does not consult the trace sampler), and forceFlush of the three providers after each invocation.
import { SeverityNumber, SpanStatusCode, context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider } from '@opentelemetry/sdk-trace';
import { officialFaasMeters } from './official-faas-meters.ts';
import { work } from './mix.ts';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
// BENCH_NOOP_EXPORT isolates the instrumentation cost from the network (warm CPU figure).
const useNoop = Boolean(process.env.BENCH_NOOP_EXPORT);
const resource = resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' });
const ratio = Number(process.env.OTEL_TRACES_SAMPLER_ARG ?? 1);
const tracerProvider = new TracerProvider({
  resource,
  sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
  spanProcessors: [new BatchSpanProcessor({ exporter: useNoop ? (noop as never) : new OTLPTraceExporter() })],
});
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: useNoop ? (noop as never) : new OTLPLogExporter() })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracer = tracerProvider.getTracer('bench');
const logger = loggerProvider.getLogger('bench');
// OTEL_METRICS_EXPORTER=none turns metrics off, as the official Node SDK reads it.
const meters = process.env.OTEL_METRICS_EXPORTER === 'none' ? undefined : officialFaasMeters(resource);
const SEVERITY = { debug: SeverityNumber.DEBUG, info: SeverityNumber.INFO } as const;
const emit = (level: 'debug' | 'info', body: string) =>
  logger.emit({ severityNumber: SEVERITY[level], severityText: level.toUpperCase(), body });

async function invoke(event: { i: number }) {
  const started = performance.now();
  let failed = false;
  try {
    return await tracer.startActiveSpan('handler', async (span) => {
      try {
        return await tracer.startActiveSpan('work', async (child) => {
          try {
            return work(event.i, emit);
          } finally {
            child.end();
          }
        });
      } catch (error) {
        failed = true;
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    });
  } finally {
    meters?.invoked(event.i, (performance.now() - started) / 1000, failed);
    // forceFlush rejects when the export failed; a careful user does not let that fail the invocation.
    await Promise.allSettled([tracerProvider.forceFlush(), loggerProvider.forceFlush(), meters?.forceFlush()]);
  }
}

// The Lambda runtime reports a failed invocation; the bench driver only needs it not to stop the loop.
export const handler = (event: { i: number }, _context: unknown) => invoke(event).catch(() => undefined);
