// The sampling bench's handler mix (mix.ts) wrapped with withObservability, a child span around the work.
// Head sampling and the tail rules come from the environment (OTEL_TRACES_SAMPLER*, FAAS_OBSERVABILITY_*).
import { trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { withObservability } from '../../src/lambda.ts';
import { work } from './mix.ts';

// BENCH_NOOP_EXPORT replaces the span and log exporters (the bench turns metrics off beside it).
const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const options = process.env.BENCH_NOOP_EXPORT ? { spanExporter: noop, logExporter: noop } : {};
const tracer = trace.getTracer('bench');

const wrapped = withObservability(
  async (event: { i: number }, _context: unknown) =>
    tracer.startActiveSpan('work', async (span) => {
      try {
        return work(event.i);
      } finally {
        span.end();
      }
    }),
  options,
);

// The Lambda runtime reports a failed invocation; the bench driver only needs it not to stop the loop.
export const handler = (event: { i: number }, context: unknown) => wrapped(event, context).catch(() => undefined);
