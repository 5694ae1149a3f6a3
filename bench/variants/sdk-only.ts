// The OpenTelemetry SDK alone, as every variant that makes spans and log records needs it: tracer and logger
// providers with a resource and the AsyncLocalStorage context manager, processors that do nothing. No exporter,
// no console bridge: the floor of a bundle that composes with the SDK (the bundle profile in RESULTS.md).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';

const nothing = { onStart() {}, onEnd() {}, onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} };
const resource = resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' });
const tracerProvider = new TracerProvider({ resource, spanProcessors: [nothing] });
const loggerProvider = new LoggerProvider({ resource, processors: [nothing] });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(tracerProvider);

export const handler = async (event: { i: number }) => {
  const span = tracerProvider.getTracer('bench').startSpan('handler');
  loggerProvider.getLogger('bench').emit({ body: 'processing' });
  span.end();
  return { statusCode: 200, body: String(event.i) };
};
