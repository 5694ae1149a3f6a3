import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricTotal } from '../helpers/metric-total.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedMetric } from '../helpers/otlp-receiver.ts';
import { startBundledWorker } from './bundled-worker.ts';
import { waitFor } from './edge-assertions.ts';

let receiver: OtlpReceiver;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  mf = await startBundledWorker('metrics-worker.ts', {
    OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
    FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
  });
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

function total(
  name: string,
  field: 'value' | 'count' = 'value',
  where: (attributes: Record<string, unknown>) => boolean = () => true,
): number {
  // metricTotal matches attribute values; these checks want a predicate, so the points are filtered first.
  const matching = receiver.metrics.map((metric: ReceivedMetric) => ({
    ...metric,
    points: metric.points.filter((point) => where(point.attributes)),
  }));
  return metricTotal(matching, name, {}, field);
}

describe('metrics from a Worker in real workerd (miniflare), exported in waitUntil', () => {
  it('FaaS and HTTP metrics count every request once; module-scope meters record from the first request', async () => {
    const kinds = Array.from({ length: 60 }, (_, i) => (i % 10 === 3 ? 'throw' : i % 10 === 7 ? 'fail' : 'ok'));
    const responses = await Promise.all(
      kinds.map((kind, i) => mf.dispatchFetch(`http://worker.test/orders?kind=${kind}&channel=${i % 2 ? 'app' : 'web'}&amount=${i}`)),
    );
    await Promise.all(responses.map((response) => response.text()));
    await waitFor(() => total('faas.invoke_duration', 'count') === 60 && total('shop.orders') === 120);
    expect(total('faas.invocations')).toBe(48);
    expect(total('faas.errors')).toBe(12);
    expect(total('faas.timeouts')).toBe(0);
    expect(total('faas.coldstarts')).toBe(1);
    expect(total('faas.invocations', 'value', (a) => a['faas.trigger'] === 'http')).toBe(48);
    expect(total('http.server.request.duration', 'count', (a) => a['http.response.status_code'] === 503)).toBe(6);
    expect(total('http.server.request.duration', 'count', (a) => a['http.route'] === '/orders')).toBe(60);
    expect(total('shop.orders', 'value', (a) => a.channel === 'app')).toBe(60);
    expect(total('shop.basket', 'count')).toBe(60);
    const basket = receiver.metrics.find((m) => m.name === 'shop.basket')!;
    expect(basket).toMatchObject({ unit: 'EUR', type: 'histogram', temporality: 1, scope: { name: 'shop', version: '2.0.0' } });
    expect(basket.resource['service.name']).toBe('metrics-worker');
    // What the runtime does not tell (memory, the isolate's init) is not made up.
    expect(receiver.metrics.some((m) => m.name === 'faas.mem_usage' || m.name === 'faas.init_duration')).toBe(false);
  });
});
