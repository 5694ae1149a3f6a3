import { ExportResultCode } from '@opentelemetry/core';
import { withObservability } from '../../src/lambda.ts';

// BENCH_NOOP_EXPORT isolates the instrumentation cost from the network (warm CPU figure).
const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const options = process.env.BENCH_NOOP_EXPORT ? { spanExporter: noop, logExporter: noop } : {};

export const handler = withObservability(async (event: { i: number; lines?: number }, _context: unknown) => {
  for (let n = 0; n < (event.lines ?? 5); n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  return { statusCode: 200, body: String(event.i) };
}, options);
