import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { startHangingEndpoint } from '../../tools/loopback.ts';
import { recordUidOf } from '../../tools/otlp-decode.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
let observability: LambdaObservability;
const quiet = { log: console.log, error: console.error, warn: console.warn };

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  console.log = () => {}; // the lines still go somewhere; these tests look at the receiver
});
afterEach(async () => {
  await observability?.shutdown();
  Object.assign(console, quiet);
  await receiver.close();
});

function setup(env: Record<string, string> = {}) {
  observability = createLambdaObservability(
    {},
    {
      ...LAMBDA_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme',
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=test',
      ...env,
    },
  );
  return observability;
}

describe('wrapped Lambda handler → OTLP/HTTP protobuf → loopback receiver', () => {
  it('span, logs, resource and correlation have all arrived by the time the handler settles', async () => {
    const wrapped = setup().wrap(async (event: { rawPath: string }, _context: unknown) => {
      console.info('handling %s', event.rawPath, { cartId: 'c-9' });
      console.warn('inventory low');
      return { statusCode: 201 };
    });
    const context = lambdaContext();
    expect(await wrapped(loadEvent('api-gateway-v2') as never, context)).toEqual({ statusCode: 201 });

    expect(receiver.spans).toHaveLength(1);
    const span = receiver.spans[0]!;
    expect(span).toMatchObject({
      name: 'POST /orders/{id}/items',
      kind: 2,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      attributes: {
        'faas.trigger': 'http',
        'faas.invocation_id': context.awsRequestId,
        'faas.coldstart': true,
        'http.response.status_code': 201,
        'cloud.account.id': '123456789012',
      },
      resource: {
        'service.name': 'orders-api',
        'cloud.provider': 'aws',
        'cloud.platform': 'aws_lambda',
        'cloud.region': 'eu-west-1',
        'faas.max_memory': 268435456,
        'deployment.environment.name': 'test',
      },
    });
    expect(receiver.logs.map((log) => [log.body, log.severityNumber, log.severityText])).toEqual([
      ["handling /orders/42/items { cartId: 'c-9' }", 9, 'INFO'],
      ['inventory low', 13, 'WARN'],
    ]);
    for (const log of receiver.logs) {
      expect(log).toMatchObject({ traceId: span.traceId, spanId: span.spanId, flags: 1 });
      expect(log.resource['service.name']).toBe('orders-api');
    }
    // The request leaves out what its other fields give: the uid is derived from span id and timestamp, the
    // invocation id is on the span (fewer bytes on the wire: bench/RESULTS.md, "Bytes on the wire").
    expect(receiver.logs[0]!.attributes).toEqual({ cartId: 'c-9' });
    expect(new Set(receiver.logs.map((l) => recordUidOf(l))).size).toBe(2);
    expect(receiver.requests.every((r) => r.headers['x-tenant'] === 'acme' && r.headers['content-type'] === 'application/x-protobuf')).toBe(
      true,
    );
  });

  it('every span and log of 100 invocations arrives exactly once, each flushed before its invocation settles', async () => {
    const wrapped = setup().wrap(async (event: { i: number }, _context: unknown) => {
      console.log('begin', event.i);
      if (event.i % 10 === 0) throw new Error(`failure ${event.i}`);
      console.log('end', event.i);
      return event.i;
    });
    let logged = 0;
    for (let i = 0; i < 100; i++) {
      await wrapped({ i }, lambdaContext()).catch(() => undefined);
      logged += i % 10 === 0 ? 1 : 2;
      // Nothing is left for after the freeze: this invocation's records are already at the receiver.
      expect(receiver.spans).toHaveLength(i + 1);
      expect(receiver.logs).toHaveLength(logged);
    }
    expect(receiver.logs).toHaveLength(100 + 90);
    expect(receiver.spans.filter((s) => s.status.code === 2)).toHaveLength(10);
    const bySpan = new Map(receiver.spans.map((s) => [s.spanId, s.traceId]));
    expect(receiver.logs.every((log) => bySpan.get(log.spanId) === log.traceId)).toBe(true);
    expect(receiver.spans.filter((s) => s.attributes['faas.coldstart'] === true)).toHaveLength(1);
  });

  it('spans, logs and metrics go out in parallel: the receiver holds all three requests before answering any', async () => {
    const wrapped = setup().wrap(async (_event: unknown, _context: unknown) => {
      console.log('x');
      return 1;
    });
    await wrapped({}, lambdaContext()); // warm the connections
    // Each answer waits until three requests are waiting: one after the other, the first would time out
    // unanswered and its records would be missing.
    receiver.behave({ together: 3 });
    for (let i = 0; i < 10; i++) await wrapped({}, lambdaContext());
    expect(receiver.spans).toHaveLength(11);
    expect(receiver.logs).toHaveLength(11);
    const invocations = receiver.metrics.filter((m) => m.name === 'faas.invocations').flatMap((m) => m.points);
    expect(invocations.reduce((sum, point) => sum + Number(point.value), 0)).toBe(11);
  });

  it('a collector that never answers costs at most the flush budget and never changes the result', async () => {
    const hanging = await startHangingEndpoint();
    // The export timeout is far past the budget: only the flush bound can end this flush.
    const wrapped = setup({
      OTEL_EXPORTER_OTLP_ENDPOINT: hanging.url,
      OTEL_EXPORTER_OTLP_TIMEOUT: '30000',
      FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '300',
    }).wrap(async (_event: unknown, _context: unknown) => 'still fine');
    console.warn = () => {};
    try {
      const started = performance.now();
      expect(await wrapped({}, lambdaContext())).toBe('still fine');
      expect(hanging.connections()).toBeGreaterThan(0);
      expect(performance.now() - started).toBeLessThan(3000); // 10x the budget; a 30 s export timeout otherwise
    } finally {
      await hanging.close();
    }
  });
});
