import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { startBundledWorker } from './bundled-worker.ts';
import { waitFor } from './edge-assertions.ts';

let receiver: OtlpReceiver;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mf = await startBundledWorker('hono-worker.ts', {
    OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
    FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
  });
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

describe('a Hono app as a Worker in real workerd (miniflare), exported as withObservability(app, …)', () => {
  it('one SERVER span per request named after the Hono route; onError 503/500 are errors, notFound 404 is not', async () => {
    const requests: [string, string][] = [
      ['GET', '/orders/42'],
      ['POST', '/orders'],
      ['GET', '/admin/users/7'],
      ['GET', '/orders/42/fail'],
      ['GET', '/crash'],
      ['GET', '/nowhere'],
    ];
    const statuses = [];
    for (const [method, path] of requests) statuses.push((await mf.dispatchFetch(`http://worker.test${path}`, { method })).status);
    expect(statuses).toEqual([200, 201, 200, 503, 500, 404]);

    await waitFor(() => receiver.spans.length >= requests.length);
    const byPath = new Map(receiver.spans.map((s) => [`${s.attributes['http.request.method']} ${s.attributes['url.path']}`, s]));
    const outcome = (key: string) => {
      const span = byPath.get(key)!;
      return [span.name, span.attributes['http.route'], span.status.code === 2, span.attributes['error.type']];
    };
    expect(receiver.spans).toHaveLength(requests.length);
    expect(requests.map(([method, path]) => outcome(`${method} ${path}`))).toEqual([
      ['GET /orders/:id', '/orders/:id', false, undefined],
      ['POST /orders', '/orders', false, undefined],
      ['GET /admin/users/:user', '/admin/users/:user', false, undefined],
      ['GET /orders/:id/fail', '/orders/:id/fail', true, '503'],
      ['GET /crash', '/crash', true, '500'],
      // Only the logging middleware matched: no template, never the path.
      ['GET', undefined, false, undefined],
    ]);
    expect(receiver.spans[0]!.resource['service.name']).toBe('hono-worker');
  });

  it("the app's console output (middleware, onError) is correlated with its request's span", async () => {
    await mf.dispatchFetch('http://worker.test/crash?n=logs');
    await waitFor(() => receiver.logs.filter((l) => String(l.body).startsWith('hono error')).length >= 2);
    const span = receiver.spans.filter((s) => s.name === 'GET /crash').at(-1)!;
    const mine = receiver.logs.filter((l) => l.spanId === span.spanId).map((l) => String(l.body));
    expect(mine).toEqual(['hono request GET /crash', 'hono error unexpected crash']);
  });
});
