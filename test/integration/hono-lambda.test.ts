import { SpanStatusCode } from '@opentelemetry/api';
import { handle } from 'hono/aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import { ordersApp } from '../fixtures/frameworks/hono-app.ts';
import { honoRoute } from '../fixtures/frameworks/hono-route.ts';
import { asHonoEvent, awsContext, httpApiDefaultEvent, restProxyEvent } from '../fixtures/frameworks/proxy-events.ts';

let observability: TestObservability | undefined;

afterEach(async () => {
  await observability?.dispose();
  observability = undefined;
});

/** `handle(app)` wrapped, the route named by Hono's own router (the recipe of docs/frameworks.md). */
function wrappedHono() {
  const app = ordersApp();
  observability = testObservability({ route: ({ method, path }) => honoRoute(app, method, path) });
  return observability.wrap(handle(app));
}

/** Each invocation's one span: name, status code, whether it is an error, error.type. */
function outcomes() {
  return observability!
    .spans()
    .map((s) => [s.name, s.attributes['http.response.status_code'], s.status.code === SpanStatusCode.ERROR, s.attributes['error.type']]);
}

describe('a Hono app behind API Gateway, handle(app) wrapped with withObservability', () => {
  it('HTTP API $default: spans named after the Hono route, a mounted sub-app included; onError 503/500 are errors, notFound 404 is not', async () => {
    const handler = wrappedHono();
    const paths = ['/orders/42', '/admin/users/7', '/orders/42/fail', '/crash', '/nowhere'];
    const statuses = [];
    for (const path of paths) statuses.push((await handler(asHonoEvent(httpApiDefaultEvent('GET', path)), awsContext())).statusCode);
    await handler(asHonoEvent(httpApiDefaultEvent('POST', '/orders')), awsContext());

    expect(statuses).toEqual([200, 200, 503, 500, 404]);
    expect(outcomes()).toEqual([
      ['GET /orders/:id', 200, false, undefined],
      ['GET /admin/users/:user', 200, false, undefined],
      ['GET /orders/:id/fail', 503, true, '503'],
      ['GET /crash', 500, true, '500'],
      // Only the logging middleware matched: no route, so no template (never the path).
      ['GET', 404, false, undefined],
      ['POST /orders', 201, false, undefined],
    ]);
    expect(observability!.spans().every((s) => s.attributes['url.path'] !== undefined)).toBe(true);
  });

  it("REST API /{proxy+}: the Hono route replaces API Gateway's catch-all, which stays when Hono has none", async () => {
    const handler = wrappedHono();
    await handler(restProxyEvent('GET', '/orders/42'), awsContext());
    await handler(restProxyEvent('GET', '/nowhere'), awsContext());
    expect(outcomes()).toEqual([
      ['GET /orders/:id', 200, false, undefined],
      ['GET /{proxy+}', 404, false, undefined],
    ]);
  });

  it("one span per invocation, and the app's console output (middleware, onError) carries its ids", async () => {
    const handler = wrappedHono();
    await handler(asHonoEvent(httpApiDefaultEvent('GET', '/crash')), awsContext());
    const [span, ...others] = observability!.spans();
    expect(others).toEqual([]);
    const spanId = span!.spanContext().spanId;
    const bodies = observability!.logs().map((l) => [String(l.body), l.spanContext?.spanId]);
    expect(bodies).toEqual([
      ['hono request GET /crash', spanId],
      ['hono error unexpected crash', spanId],
    ]);
  });
});
