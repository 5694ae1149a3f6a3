// Ours with 10 user instruments through the OpenTelemetry metrics API (served by the provider registered at
// import of the library), besides the built-in FaaS metrics.
import { metrics } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { withObservability } from '../../src/lambda.ts';
import { userMeters } from './user-meters.ts';

// BENCH_NOOP_EXPORT replaces the span and log exporters; metrics have no such option and go to the sink.
const noop = {
  export: (_items: unknown[], done: (r: { code: number }) => void) => done({ code: ExportResultCode.SUCCESS }),
  forceFlush: async () => {},
  shutdown: async () => {},
};
const options = process.env.BENCH_NOOP_EXPORT ? { spanExporter: noop, logExporter: noop } : {};
const record = userMeters(metrics.getMeter('orders'));

export const handler = withObservability(async (event: { i: number; lines?: number }, _context: unknown) => {
  for (let n = 0; n < (event.lines ?? 5); n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
  record(event.i);
  return { statusCode: 200, body: String(event.i) };
}, options);
