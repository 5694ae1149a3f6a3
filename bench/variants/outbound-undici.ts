// Outbound bench, @opentelemetry/instrumentation-undici: the requests run inside one active span of an
// SDK tracer provider (AsyncLocalStorage context, W3C propagator, batch processor with a no-op exporter).
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: noop as never })] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(new W3CTraceContextPropagator());
trace.setGlobalTracerProvider(provider);
const instrumentation = new UndiciInstrumentation();
instrumentation.setTracerProvider(provider);
instrumentation.enable();
const tracer = provider.getTracer('bench');

export const runner = async (requests: () => Promise<void>): Promise<void> =>
  tracer.startActiveSpan('invocation', async (span) => {
    await requests();
    span.end();
  });
