import { metrics } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { startLoopbackServer } from '../../tools/loopback.ts';
import { readEmfLine } from '../helpers/emf-reader.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { metricTotal as total } from '../helpers/metric-total.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
const quiet = { log: console.log, error: console.error, warn: console.warn };

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  console.log = () => {};
  console.warn = () => {};
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, quiet);
  await receiver.close();
});

/**
 * The Lambda entry point imported afresh, as a cold start imports it: its import registers the process's meter
 * provider (the previous test's shutdown, the last of its process, unregistered the one before).
 */
async function coldImport(): Promise<typeof createLambdaObservability> {
  vi.resetModules();
  return (await import('../../src/lambda.ts')).createLambdaObservability;
}

function setup(env: Record<string, string> = {}, create = createLambdaObservability, options: { metrics?: false } = {}) {
  observability = create({ postResponseFlush: false, ...options }, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env });
  return observability;
}

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

    const got = receiver.metrics;
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
      expect(total(receiver.metrics, 'faas.invocations')).toBe(3);
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
    expect(receiver.spans).toHaveLength(0);
    expect(total(receiver.metrics, 'faas.invocations')).toBe(2);
    expect(total(receiver.metrics, 'faas.errors')).toBe(2);
  });

  it('overlapping invocations (Managed Instances) are each counted once, whatever flush collects them', async () => {
    const wrapped = setup().wrap(async (event: { delayMs: number }, _context: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, event.delayMs));
      return 'ok';
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => wrapped({ delayMs: (i * 7) % 23 }, lambdaContext())));
    expect(total(receiver.metrics, 'faas.invocations')).toBe(20);
    expect(total(receiver.metrics, 'faas.invoke_duration', {}, 'count')).toBe(20);
  });

  it('HTTP client requests get http.client.request.duration with the server and the status', async () => {
    const server = await startLoopbackServer({ handle: () => ({ status: 404, body: 'no' }) });
    try {
      const wrapped = setup().wrap(async (_event: unknown, _context: unknown) => (await fetch(`${server.url}/items/42?x=1`)).status);
      expect(await wrapped({}, lambdaContext())).toBe(404);
      const client = receiver.metrics.filter((m) => m.name === 'http.client.request.duration').flatMap((m) => m.points);
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
    const got = receiver.metrics;
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
    const calls = receiver.metrics.filter((m) => m.name === 'calls');
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
    const points = receiver.metrics.filter((m) => m.name === 'hits').flatMap((m) => m.points);
    expect(points).toHaveLength(50);
    expect(points.reduce((sum, p) => sum + Number(p.value), 0)).toBe(10_000);
    expect(points.find((p) => p.attributes['otel.metric.overflow'] === true)?.value).toBe(10_000 - 49);
  });
});

describe('where metrics go instead', () => {
  it('OTEL_METRICS_EXPORTER=emf: CloudWatch EMF lines on stdout, no request; the values are what happened', async () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      const create = await coldImport();
      const counter = metrics.getMeter('emf').createCounter('emf.orders');
      const wrapped = setup({ OTEL_METRICS_EXPORTER: 'emf', FAAS_OBSERVABILITY_METRICS_NAMESPACE: 'Shop' }, create).wrap(
        async (event: { fail?: boolean }, _context: unknown) => {
          counter.add(3, { kind: 'book' });
          if (event.fail) throw new Error('no');
        },
      );
      await wrapped({}, lambdaContext());
      await expect(wrapped({ fail: true }, lambdaContext())).rejects.toThrow('no');
    } finally {
      process.stdout.write = write;
    }
    expect(receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(0);
    const documents = lines.filter((line) => line.includes('"_aws"')).map((line) => readEmfLine(line.trim()));
    const sum = (name: string) =>
      documents
        .flatMap((d) => d.entries)
        .filter((e) => e.name === name)
        .reduce((s, e) => s + Number(e.value), 0);
    expect(documents.flatMap((d) => d.entries).every((e) => e.namespace === 'Shop')).toBe(true);
    expect(sum('faas.invocations')).toBe(1);
    expect(sum('faas.errors')).toBe(1);
    expect(sum('emf.orders')).toBe(6);
  });

  it.each([
    ['OTEL_METRICS_EXPORTER=none', { OTEL_METRICS_EXPORTER: 'none' }, {}],
    ['the option metrics: false', {}, { metrics: false as const }],
  ])('%s: no metrics request and nothing recorded', async (_name, env, options) => {
    const wrapped = setup(env, createLambdaObservability, options).wrap(async (_event: unknown, _context: unknown) => 'ok');
    await wrapped({}, lambdaContext());
    expect(receiver.requests.map((r) => r.path)).toContain('/v1/traces');
    expect(receiver.requests.map((r) => r.path)).not.toContain('/v1/metrics');
    expect(observability!.telemetry!.metrics).toBeUndefined();
  });

  it('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics go to that URL verbatim, the other signals to the base endpoint', async () => {
    const wrapped = setup({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${receiver.url}/tenant-7/v1/metrics` }).wrap(
      async (_event: unknown, _context: unknown) => 'ok',
    );
    await wrapped({}, lambdaContext());
    const paths = receiver.requests.map((r) => r.path);
    expect(paths).toContain('/tenant-7/v1/metrics');
    expect(paths).not.toContain('/v1/metrics');
    expect(paths).toContain('/v1/traces');
    expect(total(receiver.metrics, 'faas.invocations')).toBe(1);
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
