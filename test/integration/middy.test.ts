import { SpanStatusCode, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import { ordersMiddyHandler } from '../fixtures/frameworks/middy-handler.ts';
import { awsContext, httpApiDefaultEvent } from '../fixtures/frameworks/proxy-events.ts';

let observability: TestObservability | undefined;

afterEach(async () => {
  await observability?.dispose();
  observability = undefined;
});

const authorized = { headers: { authorization: 'Bearer token' } };

/** `withObservability` outermost, as docs/frameworks.md recommends: every middleware runs inside the span. */
function wrappedMiddy() {
  observability = testObservability({ route: ({ path }) => (path.startsWith('/orders/') ? '/orders/{id}' : undefined) });
  return observability.wrap(ordersMiddyHandler());
}

describe('a Middy 7 handler wrapped with withObservability', () => {
  it("one span per invocation with the handler's status; its logs and the middlewares' carry the span's ids", async () => {
    const handler = wrappedMiddy();
    await expect(handler(httpApiDefaultEvent('GET', '/orders/42', authorized), awsContext())).resolves.toMatchObject({ statusCode: 200 });
    const [span, ...others] = observability!.spans();
    expect(others).toEqual([]);
    expect(span).toMatchObject({ name: 'GET /orders/{id}', attributes: { 'http.response.status_code': 200 } });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    const log = observability!.logs().find((l) => String(l.body).includes('middy handler'));
    expect(log?.spanContext?.spanId).toBe(span!.spanContext().spanId);
  });

  it("a before middleware's early response (401) is the recorded status, not an error; the handler never ran", async () => {
    const handler = wrappedMiddy();
    await expect(handler(httpApiDefaultEvent('GET', '/orders/42'), awsContext())).resolves.toMatchObject({ statusCode: 401 });
    const spans = observability!.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]!.attributes['http.response.status_code']).toBe(401);
    expect(spans[0]!.attributes['error.type']).toBeUndefined();
    expect(spans[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(observability!.logs().some((l) => String(l.body).includes('middy handler'))).toBe(false);
  });

  it('an error onError turns into a 500 is an ERROR span with error.type 500; the error itself is not seen (Middy swallowed it)', async () => {
    const handler = wrappedMiddy();
    const event = httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=db' });
    await expect(handler(event, awsContext())).resolves.toMatchObject({ statusCode: 500 });
    const [span, ...others] = observability!.spans();
    expect(others).toEqual([]);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes).toMatchObject({ 'http.response.status_code': 500, 'error.type': '500' });
    // What the library can see is the response: no exception event. The onError middleware's log is correlated.
    expect(span!.events.filter((e) => e.name === 'exception')).toEqual([]);
    const log = observability!.logs().find((l) => String(l.body).includes('request failed'));
    expect(log).toMatchObject({ severityText: 'ERROR', spanContext: { spanId: span!.spanContext().spanId } });
  });

  it('an error onError turns into a 404 is not an error on a SERVER span', async () => {
    const handler = wrappedMiddy();
    const event = httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=missing' });
    await expect(handler(event, awsContext())).resolves.toMatchObject({ statusCode: 404 });
    const [span] = observability!.spans();
    expect(span!.attributes['http.response.status_code']).toBe(404);
    expect(span!.attributes['error.type']).toBeUndefined();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('the recipe for the swallowed error: an onError middleware records it on the active span, which is the invocation span', async () => {
    observability = testObservability();
    const handler = observability.wrap(
      ordersMiddyHandler().use({
        // Registered last, so Middy runs it first among the onError middlewares (they run in reverse order).
        onError: (request) => {
          trace.getActiveSpan()?.recordException(request.error!);
        },
      }),
    );
    await handler(httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=db' }), awsContext());
    const [span] = observability.spans();
    const exception = span!.events.find((e) => e.name === 'exception');
    expect(exception?.attributes).toMatchObject({ 'exception.type': 'Error', 'exception.message': 'database unavailable' });
    expect(span!.attributes['error.type']).toBe('500');
  });
});
