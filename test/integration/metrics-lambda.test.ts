import { metrics } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { startLoopbackServer } from '../../tools/loopback.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { coldImport, useLambdaMetricsHarness, type LambdaMetricsHarness } from '../helpers/lambda-metrics-harness.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { metricTotal as total } from '../helpers/metric-total.ts';

const harness = useLambdaMetricsHarness();
const setup: LambdaMetricsHarness['setup'] = (...args) => harness.setup(...args);

describe('FaaS metrics from a wrapped Lambda handler, exported per invocation', () => {
  it('counts every invocation once (successes, errors, 5xx, timeouts), the cold start and its init, with faas.trigger', async () => {
    const wrapped = setup().wrap(async (event: { mode?: string; requestContext?: unknown; status?: number }, _context: unknown) => {
      if (event.mode === 'throw') throw new Error('boom');
      if (event.mode === 'hang') await new Promise((resolve) => setTimeout(resolve, 1500));
      return event.requestContext ? { statusCode: event.status ?? 200 } : 'ok';
    });
    const http = loadEvent('api-gateway-v2');
    await wrapped({ mode: 'ok' }, lambdaContext());
    await expect(wrapped({ mode: 'throw' }, lambdaContext())).rejects.toThrow('boom');
    await wrapped({ ...http, status: 503 }, lambdaContext());
    await wrapped({ ...http, status: 201 }, lambdaContext());
    // The safety net ends the span as timed out shortly before the deadline, and flushes.
    await wrapped({ mode: 'hang' }, lambdaContext({ timeoutMs: 800 }));

    const got = harness.receiver.metrics;
    expect(total(got, 'faas.invocations')).toBe(2);
    expect(total(got, 'faas.invocations', { 'faas.trigger': 'http' })).toBe(1);
    expect(total(got, 'faas.errors')).toBe(2);
    expect(total(got, 'faas.errors', { 'faas.trigger': 'http' })).toBe(1);
    expect(total(got, 'faas.timeouts')).toBe(1);
    expect(total(got, 'faas.invoke_duration', {}, 'count')).toBe(5);
    expect(total(got, 'faas.coldstarts')).toBe(1);
    expect(total(got, 'faas.init_duration', {}, 'count')).toBe(1);
    expect(total(got, 'faas.mem_usage', {}, 'count')).toBe(5);
    // Route templates and status codes, never paths: the HTTP server metric has the span's low-cardinality attributes.
    const server = got.filter((m) => m.name === 'http.server.request.duration').flatMap((m) => m.points);
    expect(server.map((p) => [p.attributes['http.response.status_code'], p.attributes['error.type'], p.count])).toEqual(
      expect.arrayContaining([
        [503, '503', 1],
        [201, undefined, 1],
      ]),
    );
    expect(server.every((p) => !('url.path' in p.attributes) && p.attributes['http.request.method'] === 'POST')).toBe(true);
    expect(server.every((p) => typeof p.attributes['http.route'] === 'string')).toBe(true);
    // The semantic conventions: names, units, instrument types, delta temporality, the advised buckets.
    const invocations = got.find((m) => m.name === 'faas.invocations')!;
    expect(invocations).toMatchObject({ unit: '{invocation}', type: 'sum', monotonic: true, temporality: 1 });
    expect(invocations.points[0]!.valueKind).toBe('int');
    const duration = got.find((m) => m.name === 'faas.invoke_duration')!;
    expect(duration).toMatchObject({ unit: 's', type: 'histogram', temporality: 1 });
    expect(duration.points[0]!.explicitBounds).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    expect(got.find((m) => m.name === 'faas.mem_usage')).toMatchObject({ unit: 'By', type: 'histogram' });
    expect(invocations.resource['service.name']).toBe('orders-api');
  });

  it('leaves no timer of its own running once an invocation is flushed: no periodic reader to fire while frozen', async () => {
    const live = new Map<unknown, string>();
    const saved = { setTimeout, setInterval, clearTimeout, clearInterval };
    // Every timer the library's sources start, with where it was started: gone once it fired or was cleared.
    const track = (handle: NodeJS.Timeout) => {
      const stack = new Error().stack ?? '';
      if (stack.includes('/src/')) live.set(handle, stack.split('\n').find((line) => line.includes('/src/')) ?? '');
      return handle;
    };
    const forget = (handle: unknown) => live.delete(handle);
    Object.assign(globalThis, {
      setTimeout: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const handle: NodeJS.Timeout = saved.setTimeout((...a: unknown[]) => (forget(handle), fn(...a)), ms, ...args);
        return track(handle);
      },
      setInterval: (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => track(saved.setInterval(fn, ms, ...args)),
      clearTimeout: (handle: NodeJS.Timeout | undefined) => (forget(handle), saved.clearTimeout(handle)),
      clearInterval: (handle: NodeJS.Timeout | undefined) => (forget(handle), saved.clearInterval(handle)),
    });
    try {
      const counter = metrics.getMeter('timers').createCounter('timers.calls');
      const wrapped = setup().wrap(async (_event: unknown, _context: unknown) => counter.add(1));
      for (let i = 0; i < 3; i++) await wrapped({}, lambdaContext());
      expect([...live.values()]).toEqual([]);
      expect(total(harness.receiver.metrics, 'faas.invocations')).toBe(3);
    } finally {
      Object.assign(globalThis, saved);
    }
  });

  it('a sampler that drops every span still leaves every invocation counted, failures included', async () => {
    const wrapped = setup({ OTEL_TRACES_SAMPLER: 'always_off' }).wrap(async (event: { status?: number }, _context: unknown) => ({
      statusCode: event.status,
    }));
    const http = loadEvent('api-gateway-v2');
    for (const status of [200, 500, 502, 200]) await wrapped({ ...http, status }, lambdaContext());
    expect(harness.receiver.spans).toHaveLength(0);
    expect(total(harness.receiver.metrics, 'faas.invocations')).toBe(2);
    expect(total(harness.receiver.metrics, 'faas.errors')).toBe(2);
  });

  it('overlapping invocations (Managed Instances) are each counted once, whatever flush collects them', async () => {
    const wrapped = setup().wrap(async (event: { delayMs: number }, _context: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, event.delayMs));
      return 'ok';
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => wrapped({ delayMs: (i * 7) % 23 }, lambdaContext())));
    expect(total(harness.receiver.metrics, 'faas.invocations')).toBe(20);
    expect(total(harness.receiver.metrics, 'faas.invoke_duration', {}, 'count')).toBe(20);
  });

  it('HTTP client requests get http.client.request.duration with the server and the status', async () => {
    const server = await startLoopbackServer({ handle: () => ({ status: 404, body: 'no' }) });
    try {
      const wrapped = setup().wrap(async (_event: unknown, _context: unknown) => (await fetch(`${server.url}/items/42?x=1`)).status);
      expect(await wrapped({}, lambdaContext())).toBe(404);
      const client = harness.receiver.metrics.filter((m) => m.name === 'http.client.request.duration').flatMap((m) => m.points);
      expect(client).toHaveLength(1);
      expect(client[0]!.attributes).toEqual({
        'http.request.method': 'GET',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(server.url).port),
        'http.response.status_code': 404,
        'error.type': '404',
      });
    } finally {
      await server.close();
    }
  });
});

describe('user meters through the OpenTelemetry metrics API', () => {
  it('instruments created before the setup (module scope) record from the start; one point per series, delta per flush', async () => {
    const create = await coldImport();
    // The entry point registered the process's meter provider at import: this is what module scope sees.
    const meter = metrics.getMeter('orders', '1.2.0');
    const placed = meter.createCounter('orders.placed', { unit: '{order}' });
    const amount = meter.createHistogram('orders.amount', { unit: 'EUR', advice: { explicitBucketBoundaries: [10, 100] } });
    let queued = 0;
    meter.createObservableGauge('orders.queue').addCallback((result) => result.observe(queued, { queue: 'main' }));
    const wrapped = setup({}, create).wrap(async (event: { n: number }, _context: unknown) => {
      for (let i = 0; i < 1000; i++) placed.add(1, { region: i % 2 ? 'eu' : 'us' });
      amount.record(event.n * 20);
      queued = event.n;
      return 'ok';
    });
    await wrapped({ n: 1 }, lambdaContext());
    await wrapped({ n: 7 }, lambdaContext());
    const got = harness.receiver.metrics;
    expect(total(got, 'orders.placed')).toBe(2000);
    expect(total(got, 'orders.placed', { region: 'eu' })).toBe(1000);
    // Two invocations, two series: four points, not 2,000 (memory and bytes per series, not per call).
    expect(got.filter((m) => m.name === 'orders.placed').flatMap((m) => m.points)).toHaveLength(4);
    const amounts = got.filter((m) => m.name === 'orders.amount').flatMap((m) => m.points);
    expect(amounts.map((p) => p.bucketCounts)).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    expect(got.filter((m) => m.name === 'orders.queue').flatMap((m) => m.points.map((p) => p.value))).toEqual([1, 7]);
    expect(got.find((m) => m.name === 'orders.placed')!.scope).toEqual({ name: 'orders', version: '1.2.0' });
  });

  it('cumulative on request: each point holds the total since the first collection', async () => {
    const create = await coldImport();
    const counter = metrics.getMeter('cumulative').createCounter('calls');
    const wrapped = setup({ OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'cumulative' }, create).wrap(
      async (_event: unknown, _context: unknown) => counter.add(5),
    );
    await wrapped({}, lambdaContext());
    await wrapped({}, lambdaContext());
    const calls = harness.receiver.metrics.filter((m) => m.name === 'calls');
    expect(calls.map((m) => [m.temporality, m.points[0]!.value])).toEqual([
      [2, 5],
      [2, 10],
    ]);
  });

  it('a cardinality limit keeps a bad attribute from exploding memory; nothing is lost past it', async () => {
    const create = await coldImport();
    const counter = metrics.getMeter('ids').createCounter('hits');
    const wrapped = setup({ FAAS_OBSERVABILITY_METRICS_CARDINALITY_LIMIT: '50' }, create).wrap(
      async (_event: unknown, _context: unknown) => {
        for (let i = 0; i < 10_000; i++) counter.add(1, { 'user.id': `u${i}` });
      },
    );
    await wrapped({}, lambdaContext());
    const points = harness.receiver.metrics.filter((m) => m.name === 'hits').flatMap((m) => m.points);
    expect(points).toHaveLength(50);
    expect(points.reduce((sum, p) => sum + Number(p.value), 0)).toBe(10_000);
    expect(points.find((p) => p.attributes['otel.metric.overflow'] === true)?.value).toBe(10_000 - 49);
  });
});

describe('measurements the meters cannot take', () => {
  it('are said in the per-invocation diagnostic line, once, and never thrown into the handler', async () => {
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
    const create = await coldImport();
    const counter = metrics.getMeter('bad').createCounter('refunds');
    const wrapped = setup({}, create).wrap(async (_event: unknown, _context: unknown) => {
      counter.add(-3);
      counter.add(-4);
      return 'still fine';
    });
    expect(await wrapped({}, lambdaContext())).toBe('still fine');
    const lines = warnings.filter((line) => line.includes('[faas-observability]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('metrics: metric refunds: a counter only goes up; a negative value was dropped');
  });
});
