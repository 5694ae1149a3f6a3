import { beforeAll, describe, expect, it } from 'vitest';
import type { InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { httpApiDefaultEvent, httpApiRouteEvent, restProxyEvent } from '../fixtures/frameworks/proxy-events.ts';
import {
  exportsBeforeResponse,
  runFunction,
  taskRootOf,
  unpackedLayer,
  type LayerRun,
  type UnpackedLayer,
} from '../helpers/lambda-layer.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

// The Middy and Hono handlers of frameworks.test.ts, unmodified this time (no import of this library, bundled by
// esbuild), observed through the unpacked layer under the Runtime API emulator (frozen at every /next), with our
// bootstrap and with the real aws-lambda-ric. There is no `route` option through the layer: the span is named
// after the template API Gateway routed the event by, and a `$default` route gives the method alone.

let layer: UnpackedLayer;
let taskRoots: { middy: string; hono: string };
beforeAll(async () => {
  layer = await unpackedLayer();
  taskRoots = { middy: await taskRootOf('middy', true), hono: await taskRootOf('hono', true) };
}, 120_000);

const statusOf = (result: InvocationResult) => (JSON.parse(result.payload) as { statusCode: number }).statusCode;

/**
 * Each invocation's one span, in invocation order: name, status code, ERROR or not, `error.type`, and the bodies
 * of the log records correlated to it.
 */
function outcomes({ results, spans, logs }: LayerRun) {
  return results.map((result) => {
    const mine = spans.filter((s) => s.attributes['faas.invocation_id'] === result.requestId);
    expect(mine).toHaveLength(1);
    const span = mine[0]!;
    const lines = logs.filter((l) => l.traceId === span.traceId && l.spanId === span.spanId).map((l) => String(l.body));
    return [span.name, span.attributes['http.response.status_code'], span.status.code === 2, span.attributes['error.type'], lines];
  });
}

/** The framework answered as it does without the layer, and the telemetry left after each response. */
async function throughLayer(taskRoot: string, runtime: string[] | undefined, events: readonly unknown[]): Promise<LayerRun> {
  const bare = await runFunction({ taskRoot, handler: 'index.handler', runtime, events });
  const layered = await runFunction({ taskRoot, handler: 'index.handler', runtime, layer, events });
  expect(bare.spans).toEqual([]);
  expect(layered.results.map((r) => r.status)).toEqual(events.map(() => 'success'));
  expect(layered.results.map((r) => r.payload)).toEqual(bare.results.map((r) => r.payload));
  expect(layered.lambda.extensions.registrations).toEqual(['200']);
  expect(exportsBeforeResponse(layered)).toEqual(events.map(() => 0));
  return layered;
}

describe.each(RUNTIMES)('unmodified framework handlers through the layer under %s', (_runtimeName, runtime) => {
  it("middy: the early response and onError's answers recorded by status, the span named after API Gateway's route", async () => {
    const authorized = { headers: { authorization: 'Bearer token' } };
    const events = [
      httpApiRouteEvent('GET /orders/{id}', 'GET', '/orders/42', authorized),
      httpApiDefaultEvent('GET', '/orders/42'),
      httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=db' }),
      httpApiRouteEvent('GET /orders/{id}', 'GET', '/orders/42', { ...authorized, query: 'fail=missing' }),
    ];
    const run = await throughLayer(taskRoots.middy, runtime, events);
    expect(run.results.map(statusOf)).toEqual([200, 401, 500, 404]);
    expect(outcomes(run)).toEqual([
      ['GET /orders/{id}', 200, false, undefined, ['middy handler /orders/42']],
      // The `before` answered: the handler never ran.
      ['GET', 401, false, undefined, []],
      ['GET', 500, true, '500', ['middy handler /orders/42', 'request failed database unavailable']],
      ['GET /orders/{id}', 404, false, undefined, ['middy handler /orders/42', 'request failed no such order']],
    ]);
  }, 60_000);

  it('hono: handle(app) named by the route key or the REST resource, `$default` by the method alone', async () => {
    const events = [
      httpApiDefaultEvent('GET', '/orders/42'),
      httpApiRouteEvent('GET /orders/{id}', 'GET', '/orders/42'),
      httpApiRouteEvent('ANY /{proxy+}', 'GET', '/orders/42/fail'),
      httpApiDefaultEvent('GET', '/nowhere'),
      restProxyEvent('GET', '/admin/users/7'),
    ];
    const run = await throughLayer(taskRoots.hono, runtime, events);
    expect(run.results.map(statusOf)).toEqual([200, 200, 503, 404, 200]);
    expect(outcomes(run)).toEqual([
      ['GET', 200, false, undefined, ['hono request GET /orders/42']],
      ['GET /orders/{id}', 200, false, undefined, ['hono request GET /orders/42']],
      ['GET /{proxy+}', 503, true, '503', ['hono request GET /orders/42/fail', 'hono error inventory unavailable']],
      ['GET', 404, false, undefined, ['hono request GET /nowhere']],
      ['GET /{proxy+}', 200, false, undefined, ['hono request GET /admin/users/7']],
    ]);
  }, 60_000);
});
