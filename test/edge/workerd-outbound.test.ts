import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';

const SERVER = 2;
const CLIENT = 3;
let receiver: OtlpReceiver;
let backend: LoopbackServer;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  backend = await startLoopbackServer();
  const caller = await buildEdgeBundle('test/edge/fixtures/caller-worker.ts', '.cache/edge/caller-worker.mjs');
  const callee = await buildEdgeBundle('test/edge/fixtures/callee-worker.ts', '.cache/edge/callee-worker.mjs');
  const common = { modules: true, compatibilityDate: '2025-09-01', compatibilityFlags: ['nodejs_compat'] };
  mf = new Miniflare({
    workers: [
      {
        ...common,
        name: 'caller',
        script: caller.code,
        bindings: { OTLP_ENDPOINT: receiver.url, BACKEND_URL: backend.url },
        serviceBindings: { CALLEE: 'callee' },
        durableObjects: { COUNTER: { className: 'Counter', scriptName: 'callee' } },
      },
      { ...common, name: 'callee', script: callee.code, bindings: { OTLP_ENDPOINT: receiver.url } },
    ],
  });
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
  await backend?.close();
});

describe('Worker → Worker in real workerd (miniflare)', () => {
  it("one trace: A's SERVER span → CLIENT spans for the service binding, the Durable Object stub and the global fetch → B's SERVER span", async () => {
    const response = await mf.dispatchFetch('http://caller.test/checkout');
    const body = (await response.json()) as { viaBinding: string; viaStub: string; viaUrl: number };
    await waitFor(
      () =>
        receiver.spans.some((s) => s.resource['service.name'] === 'callee-worker') &&
        receiver.spans.filter((s) => s.kind === CLIENT).length >= 3,
    );
    await waitFor(() => receiver.logs.some((l) => l.body === 'callee handling /orders/7'));
    const a = receiver.spans.find((s) => s.resource['service.name'] === 'caller-worker' && s.kind === SERVER)!;
    const clients = receiver.spans.filter((s) => s.kind === CLIENT && s.traceId === a.traceId);
    expect(clients.map((c) => c.attributes['url.full']).sort()).toEqual(
      ['https://callee.internal/orders/7', 'https://counter.internal/increment', `${backend.url}/stock/7`].sort(),
    );
    for (const client of clients) {
      expect(client.parentSpanId).toBe(a.spanId);
      expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
    }
    const toCallee = clients.find((c) => c.attributes['url.full'] === 'https://callee.internal/orders/7')!;
    const b = receiver.spans.find((s) => s.resource['service.name'] === 'callee-worker')!;
    expect(b).toMatchObject({ kind: SERVER, traceId: a.traceId, parentSpanId: toCallee.spanId });
    expect(receiver.logs.find((l) => l.body === 'callee handling /orders/7')).toMatchObject({ traceId: a.traceId, spanId: b.spanId });
    // The Durable Object and the plain URL received the context of their own CLIENT span.
    const toStub = clients.find((c) => c.attributes['url.full'] === 'https://counter.internal/increment')!;
    expect(body.viaStub).toBe(`00-${a.traceId}-${toStub.spanId}-01`);
    const toUrl = clients.find((c) => String(c.attributes['url.full']).startsWith(backend.url))!;
    expect(backend.requests[0]!.headers.traceparent).toBe(`00-${a.traceId}-${toUrl.spanId}-01`);
    // The exports to the receiver were not traced.
    expect(receiver.requests.every((r) => r.headers.traceparent === undefined)).toBe(true);
    // Each of the three requests counted once in http.client.request.duration, with its span's
    // low-cardinality attributes (the server, never the URL); the exports are not counted.
    const clientPoints = () =>
      receiver.metrics
        .filter((m) => m.name === 'http.client.request.duration' && m.resource['service.name'] === 'caller-worker')
        .flatMap((m) => m.points);
    await waitFor(() => clientPoints().length >= 3);
    const points = clientPoints();
    expect(points.reduce((sum, p) => sum + Number(p.count), 0)).toBe(3);
    expect(new Set(points.map((p) => p.attributes['server.address']))).toEqual(
      new Set(['callee.internal', 'counter.internal', new URL(backend.url).hostname]),
    );
    for (const point of points) {
      expect(point.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
      expect(point.attributes).not.toHaveProperty('url.full');
    }
  });
});
