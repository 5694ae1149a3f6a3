import { metrics, trace } from '@opentelemetry/api';
import { withObservability } from '../../src/lambda.ts';

interface HttpEvent {
  readonly routeKey?: string;
  readonly rawPath?: string;
  readonly pathParameters?: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly body?: string;
}

const tracer = trace.getTracer('orders-api');
// At module scope, as most code creates its instruments: the import above registered the meter provider.
const lookups = metrics
  .getMeter('orders-api')
  .createCounter('orders.lookups', { unit: '{lookup}', description: 'Order lookups by result' });
const orders = new Map([['42', { id: '42', items: 3, total: 59.9 }]]);

console.log('orders-api initialised', { orders: orders.size });

/**
 * API Gateway HTTP API handler: `GET /orders/{id}` with a nested span, an error path (`?fail=1`) and a
 * slow path (`?sleepMs=…`) that shows what a timeout looks like.
 */
export const handler = withObservability(async (event: HttpEvent, context: { awsRequestId: string }) => {
  console.info('handling %s %s', event.routeKey ?? 'unknown route', context.awsRequestId);
  const query = event.queryStringParameters ?? {};
  if (query.sleepMs) await new Promise((resolve) => setTimeout(resolve, Number(query.sleepMs)));
  if (query.fail) {
    console.error('refusing the request', { reason: 'fail flag' });
    throw new Error(`order lookup failed for ${context.awsRequestId}`);
  }
  const id = event.pathParameters?.id ?? '42';
  const order = await tracer.startActiveSpan('load order', async (span) => {
    span.setAttribute('order.id', id);
    try {
      return orders.get(id);
    } finally {
      span.end();
    }
  });
  lookups.add(1, { 'orders.result': order ? 'found' : 'missing' });
  if (!order) {
    console.warn('order not found', { orderId: id });
    return { statusCode: 404, body: JSON.stringify({ message: 'not found' }) };
  }
  console.log(JSON.stringify({ event: 'order.loaded', orderId: id, items: order.items }));
  return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(order) };
});
