import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';
import { httpApiDefaultEvent, restProxyEvent } from '../fixtures/frameworks/proxy-events.ts';

// Hono and Middy handlers bundled by esbuild as build.mjs bundles a function, run under the local Runtime API
// with the process frozen at every /next, exporting to a loopback OTLP receiver.

interface Run {
  readonly results: InvocationResult[];
  readonly spans: ReceivedSpan[];
  readonly freezes: number;
}

async function run(fixture: string, events: readonly unknown[], receiver: OtlpReceiver): Promise<Run> {
  const artifact = await buildFixtureFunction(fixture);
  const lambda = await RuntimeApiServer.start({
    taskRoot: artifact.dir,
    handler: 'index.handler',
    functionName: fixture,
    // A flush bound far above what these need, so a loaded machine cannot turn delivery into the stdout fallback.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '10000', OTEL_EXPORTER_OTLP_TIMEOUT: '5000' },
  });
  const results: InvocationResult[] = [];
  for (const event of events) results.push(await lambda.invoke(event));
  const { freezes } = lambda;
  await lambda.stop();
  return { results, spans: receiver.spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined), freezes };
}

/** Each invocation's span, in invocation order: name, status code, error. */
function outcomes({ results, spans }: Run) {
  return results.map((result) => {
    const mine = spans.filter((s) => s.attributes['faas.invocation_id'] === result.requestId);
    expect(mine).toHaveLength(1);
    const [span] = mine;
    return [span!.name, span!.attributes['http.response.status_code'], span!.status.code === 2];
  });
}

const statusOf = (result: InvocationResult) => (JSON.parse(result.payload) as { statusCode: number }).statusCode;

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver?.close();
});

describe('Hono and Middy handlers, built, frozen at every /next', () => {
  it('hono: handle(app) behind an HTTP API $default route and a REST /{proxy+}: spans named after the Hono route', async () => {
    const events = [
      httpApiDefaultEvent('GET', '/orders/42'),
      httpApiDefaultEvent('GET', '/orders/42/fail'),
      httpApiDefaultEvent('GET', '/nowhere'),
      restProxyEvent('GET', '/admin/users/7'),
    ];
    const result = await run('hono', events, receiver);
    expect(result.results.map(statusOf)).toEqual([200, 503, 404, 200]);
    expect(outcomes(result)).toEqual([
      ['GET /orders/:id', 200, false],
      ['GET /orders/:id/fail', 503, true],
      ['GET', 404, false],
      ['GET /admin/users/:user', 200, false],
    ]);
    expect(result.freezes).toBeGreaterThanOrEqual(events.length);
  }, 60_000);

  it("middy: the early response and onError's answers recorded by status, one span per invocation", async () => {
    const authorized = { headers: { authorization: 'Bearer token' } };
    const events = [
      httpApiDefaultEvent('GET', '/orders/42', authorized),
      httpApiDefaultEvent('GET', '/orders/42'),
      httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=db' }),
      httpApiDefaultEvent('GET', '/orders/42', { ...authorized, query: 'fail=missing' }),
    ];
    const result = await run('middy', events, receiver);
    expect(result.results.map(statusOf)).toEqual([200, 401, 500, 404]);
    expect(outcomes(result)).toEqual([
      ['GET', 200, false],
      ['GET', 401, false],
      ['GET', 500, true],
      ['GET', 404, false],
    ]);
  }, 60_000);
});
