// @opentelemetry/instrumentation-aws-lambda with the official OTLP proto span exporter: the handler is wrapped
// by the instrumentation's own patch (the function its module hook applies when Lambda loads _HANDLER), which
// flushes the tracer provider after each invocation. It exports no logs.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { AwsLambdaInstrumentation } from '@opentelemetry/instrumentation-aws-lambda';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';

const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const provider = new TracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'bench' }),
  spanProcessors: [new BatchSpanProcessor({ exporter: process.env.BENCH_NOOP_EXPORT ? (noop as never) : new OTLPTraceExporter() })],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const instrumentation = new AwsLambdaInstrumentation();
instrumentation.setTracerProvider(provider);

const bare = async (event: { i: number; lines?: number }, _context: unknown) => {
  for (let n = 0; n < (event.lines ?? 5); n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  return { statusCode: 200, body: String(event.i) };
};

type Handler = typeof bare;
const patch = (instrumentation as unknown as { _getHandler(start: number): (original: Handler) => Handler })._getHandler(Date.now());
export const handler = patch(bare);
