import { trace } from '@opentelemetry/api';
import { withObservability } from '../../src/lambda.ts';

const tracer = trace.getTracer('nightly-report');

/** An EventBridge scheduled job: a `timer` span with the rule, a nested span for the work, a summary log. */
export const handler = withObservability(async (event: { time?: string }) => {
  console.info('nightly report for %s', event.time ?? 'now');
  const totals = await tracer.startActiveSpan('aggregate orders', async (span) => {
    try {
      const orders = Array.from({ length: 50 }, (_, i) => ({ id: i, total: (i * 7) % 23 }));
      span.setAttribute('orders.count', orders.length);
      return { count: orders.length, revenue: orders.reduce((sum, order) => sum + order.total, 0) };
    } finally {
      span.end();
    }
  });
  console.log(JSON.stringify({ event: 'report.ready', ...totals }));
  return totals;
});
