import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaRouteInput } from '../../src/lambda.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole, testObservability, type TestObservability } from '../helpers/observability.ts';
import { httpApiDefaultEvent, restProxyEvent } from '../fixtures/frameworks/proxy-events.ts';
import { metricTotal } from '../helpers/metric-total.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { createLambdaObservability } from '../../src/lambda.ts';

let observability: TestObservability | undefined;
const saved = { log: console.log, warn: console.warn, error: console.error };

afterEach(async () => {
  await observability?.dispose();
  observability = undefined;
  Object.assign(console, saved);
});

const ok = async (_event: unknown, _context: unknown) => ({ statusCode: 200 });

describe('the Lambda route option', () => {
  it('names an HTTP API $default span after the template and sets http.route; the event and context reach it', async () => {
    const route = vi.fn(({ path }: LambdaRouteInput) => (path.startsWith('/orders/') ? '/orders/:id' : undefined));
    observability = testObservability({ route });
    const context = lambdaContext();
    await observability.wrap(ok)(httpApiDefaultEvent('GET', '/orders/42'), context);
    await observability.wrap(ok)(httpApiDefaultEvent('GET', '/health'), lambdaContext());

    const [routed, unrouted] = observability.spans();
    expect(routed).toMatchObject({ name: 'GET /orders/:id', attributes: { 'http.route': '/orders/:id', 'url.path': '/orders/42' } });
    // No template from the function nor from API Gateway ($default): the method alone, no http.route.
    expect(unrouted!.name).toBe('GET');
    expect(unrouted!.attributes['http.route']).toBeUndefined();
    expect(route.mock.calls[0]![0]).toMatchObject({ method: 'GET', path: '/orders/42', context });
    expect(route.mock.calls[0]![0].event).toMatchObject({ rawPath: '/orders/42' });
  });

  it("wins over API Gateway's own template, which stays when the function returns undefined or an empty string", async () => {
    observability = testObservability({
      route: ({ method }) => (method === 'DELETE' ? '' : method === 'GET' ? '/orders/{id}' : undefined),
    });
    await observability.wrap(ok)(restProxyEvent('GET', '/orders/42'), lambdaContext());
    await observability.wrap(ok)(restProxyEvent('POST', '/orders'), lambdaContext());
    await observability.wrap(ok)(restProxyEvent('DELETE', '/orders/42'), lambdaContext());
    expect(observability.spans().map((s) => [s.name, s.attributes['http.route']])).toEqual([
      ['GET /orders/{id}', '/orders/{id}'],
      ['POST /{proxy+}', '/{proxy+}'],
      ['DELETE /{proxy+}', '/{proxy+}'],
    ]);
  });

  it('serves ALB and Function URL events, and is not called for other triggers', async () => {
    const route = vi.fn(() => '/orders/{id}');
    observability = testObservability({ route });
    await observability.wrap(ok)(loadEvent('alb'), lambdaContext());
    await observability.wrap(ok)(loadEvent('function-url'), lambdaContext());
    await observability.wrap(async (_event: unknown, _context: unknown) => ({ batchItemFailures: [] }))(loadEvent('sqs'), lambdaContext());
    await observability.wrap(ok)(loadEvent('api-gateway-websocket'), lambdaContext());
    const spans = observability.spans();
    expect(spans.slice(0, 2).map((s) => s.attributes['http.route'])).toEqual(['/orders/{id}', '/orders/{id}']);
    expect(spans[0]!.name).toMatch(/^[A-Z]+ \/orders\/\{id\}$/);
    expect(spans.slice(2).map((s) => s.attributes['http.route'])).toEqual([undefined, undefined]);
    expect(route).toHaveBeenCalledTimes(2);
  });

  it('a route function that throws costs only the route: the handler runs, its result returns, one diagnostic for many', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    const spanExporter = new InMemorySpanExporter();
    const setup = createLambdaObservability(
      {
        spanExporter,
        metrics: false,
        route: () => {
          throw new TypeError('router not ready');
        },
      },
      LAMBDA_ENV,
    );
    const handler = setup.wrap(async (_event: unknown, _context: unknown) => ({ statusCode: 201 }));
    await expect(handler(httpApiDefaultEvent('POST', '/orders'), lambdaContext())).resolves.toEqual({ statusCode: 201 });
    await expect(handler(httpApiDefaultEvent('POST', '/orders'), lambdaContext())).resolves.toEqual({ statusCode: 201 });
    // Read before the shutdown, which empties the in-memory exporter.
    expect(spanExporter.getFinishedSpans().map((s) => s.name)).toEqual(['POST', 'POST']);
    await setup.shutdown();
    const reports = written.filter((line) => line.includes('the route option threw'));
    expect(reports).toEqual([expect.stringMatching(/^warn: .*TypeError: router not ready/)]);
  });

  it('feeds http.route of http.server.request.duration: one series per template, whatever the paths', async () => {
    const receiver = await startOtlpReceiver();
    console.log = () => {};
    const setup = createLambdaObservability(
      { postResponseFlush: false, route: ({ path }) => (path.startsWith('/orders/') ? '/orders/:id' : undefined) },
      { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    );
    try {
      const handler = setup.wrap(ok);
      for (const id of ['1', '2', '3']) await handler(httpApiDefaultEvent('GET', `/orders/${id}`), lambdaContext());
      const points = receiver.metrics.filter((m) => m.name === 'http.server.request.duration').flatMap((m) => m.points);
      expect(new Set(points.map((p) => p.attributes['http.route']))).toEqual(new Set(['/orders/:id']));
      expect(metricTotal(receiver.metrics, 'http.server.request.duration', { 'http.route': '/orders/:id' }, 'count')).toBe(3);
    } finally {
      await setup.shutdown();
      await receiver.close();
    }
  });
});
