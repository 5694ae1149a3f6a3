import { ValueType } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucketCounts, deltaMetricsBody, type DeltaInstrument } from '../helpers/delta-metrics.ts';
import {
  eventually,
  queryMetrics,
  realStackAvailability,
  startStackCollector,
  startVictoriaMetrics,
  type MetricSample,
  type RunningStackCollector,
  type RunningVictoriaMetrics,
} from '../helpers/real-stack.ts';

const availability = realStackAvailability(['victoria-metrics', 'collector']);
const BOUNDS = [5, 10, 25, 50, 100, 250];

async function post(endpoint: string, body: Uint8Array): Promise<void> {
  const response = await fetch(`${endpoint}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: body as Uint8Array<ArrayBuffer>,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${endpoint}/v1/metrics answered ${response.status}: ${text}`);
}

/** The one value of a query that sums everything into a single series (`sum(…)`), or what came back instead. */
function single(samples: MetricSample[]): number | MetricSample[] {
  return samples.length === 1 ? samples[0]!.value : samples;
}

/** Label values of a query by one label, as { value of the label: sample value }. */
function byLabel(samples: MetricSample[], label: string): Record<string, number> {
  return Object.fromEntries(samples.map((sample) => [sample.metric[label] ?? '', sample.value]));
}

/** One invocation's delta points, as the library sends them: one point per series, the values given. */
function invocation(billed: number, durations: number[]): DeltaInstrument[] {
  return [
    {
      kind: 'sum',
      name: 'faas.invocations',
      unit: '{invocation}',
      valueType: ValueType.INT,
      points: [{ attributes: { 'faas.trigger': 'http' }, value: 1 }],
    },
    { kind: 'sum', name: 'test.billed', unit: 's', valueType: ValueType.DOUBLE, points: [{ value: billed }] },
    { kind: 'histogram', name: 'test.duration', unit: 'ms', boundaries: BOUNDS, points: [{ value: durations }] },
  ];
}

describe.skipIf(!availability.run)('VictoriaMetrics takes OTLP delta points as they are (straight in)', () => {
  let store: RunningVictoriaMetrics;
  const service = `metrics-direct-${randomBytes(4).toString('hex')}`;
  // Every point of this suite at the same instant: delta points of one series with one timestamp must all count.
  const end = Date.now() - 5_000;
  const time = { start: end - 1000, end };
  const DURATIONS = [3, 7, 300];

  beforeAll(async () => {
    store = await startVictoriaMetrics();
    const instruments = (values: number[]): DeltaInstrument[] => [
      {
        kind: 'sum',
        name: 'faas.invocations',
        unit: '{invocation}',
        valueType: ValueType.INT,
        points: values.map((value) => ({ attributes: { 'faas.trigger': 'http' }, value })),
      },
      { kind: 'histogram', name: 'test.duration', unit: 'ms', boundaries: BOUNDS, points: [{ value: DURATIONS }] },
    ];
    // Instance a: two points of one series in one request, then a third in another; instance b: one point.
    await post(store.otlpEndpoint, deltaMetricsBody({ 'service.name': service, 'service.instance.id': 'a' }, instruments([1, 2]), time));
    await post(store.otlpEndpoint, deltaMetricsBody({ 'service.name': service, 'service.instance.id': 'a' }, instruments([4]), time));
    await post(store.otlpEndpoint, deltaMetricsBody({ 'service.name': service, 'service.instance.id': 'b' }, instruments([8]), time));
    await store.flush();
  }, 180_000);
  afterAll(async () => {
    await store?.stop();
  }, 60_000);

  it('keeps the OTLP names and attribute names: faas.invocations, service.name, service.instance.id, scope.name', async () => {
    const series = await queryMetrics(store.url, `{__name__="faas.invocations","service.name"="${service}"}`);
    expect(series.map((s) => s.metric).sort((a, b) => a['service.instance.id']!.localeCompare(b['service.instance.id']!))).toEqual(
      ['a', 'b'].map((instance) => ({
        __name__: 'faas.invocations',
        'service.name': service,
        'service.instance.id': instance,
        'faas.trigger': 'http',
        'scope.name': 'faas-observability-e2e',
        'scope.version': 'unknown',
      })),
    );
  });

  it('keeps every point of a series that share a timestamp, so sum_over_time totals them and a plain selector sees the last', async () => {
    const counts = byLabel(
      await queryMetrics(store.url, `count_over_time({__name__="faas.invocations","service.name"="${service}"}[1h])`),
      'service.instance.id',
    );
    expect(counts).toEqual({ a: 3, b: 1 });
    const total = await queryMetrics(store.url, `sum(sum_over_time({__name__="faas.invocations","service.name"="${service}"}[1h]))`);
    expect(single(total)).toBe(1 + 2 + 4 + 8);
    // A plain selector gives one point of the series, not their total.
    const last = await queryMetrics(store.url, `{__name__="faas.invocations","service.name"="${service}","service.instance.id"="a"}`);
    expect(last).toHaveLength(1);
    expect([1, 2, 4]).toContain(last[0]!.value);
  });

  it('stores a histogram as <name>_count, _sum and _bucket with cumulative le buckets per point', async () => {
    const names = await queryMetrics(store.url, `count by (__name__) ({__name__=~"test.duration.*","service.name"="${service}"})`);
    expect(names.map((s) => s.metric.__name__).sort()).toEqual(['test.duration_bucket', 'test.duration_count', 'test.duration_sum']);
    const buckets = await queryMetrics(
      store.url,
      `sum by (le) (sum_over_time({__name__="test.duration_bucket","service.name"="${service}"}[1h]))`,
    );
    // Three requests, one histogram point each.
    const perPoint = bucketCounts(BOUNDS, DURATIONS);
    const cumulative = [...BOUNDS.map(String), '+Inf'].map((le, i) => [le, 3 * perPoint.slice(0, i + 1).reduce((a, b) => a + b, 0)]);
    expect(byLabel(buckets, 'le')).toEqual(Object.fromEntries(cumulative));
  });
});

describe.skipIf(!availability.run)(
  "delta metrics from several processes → the real collector (the local stack's pipeline) → VictoriaMetrics",
  () => {
    let store: RunningVictoriaMetrics;
    let collector: RunningStackCollector;
    const service = `metrics-e2e-${randomBytes(4).toString('hex')}`;
    // Three processes, two invocations each, every point at the same instant (the worst case for a store that
    // would keep one sample per series and timestamp).
    const end = Date.now() - 5_000;
    // Binary fractions: a double total is exact whatever order the store adds them in.
    const sent = [1, 2, 3].flatMap((proc) =>
      [1, 2].map((call) => ({
        instance: `instance-${proc}`,
        billed: 0.125 * proc + 0.5 * call,
        durations: [proc * call, 20 * proc + call, 90 * call + proc, 400 + proc],
      })),
    );

    beforeAll(async () => {
      store = await startVictoriaMetrics();
      // The logs and traces pipelines are not used here: their exporters point at closed ports.
      collector = await startStackCollector({
        logsOtlpEndpoint: 'http://127.0.0.1:9',
        tracesOtlpEndpoint: 'http://127.0.0.1:9',
        metricsOtlpEndpoint: store.otlpEndpoint,
      });
      await Promise.all(
        sent.map((call) =>
          post(
            collector.endpoint,
            deltaMetricsBody({ 'service.name': service, 'service.instance.id': call.instance }, invocation(call.billed, call.durations), {
              start: end - 1000,
              end,
            }),
          ),
        ),
      );
      // The collector batches for a second, then exports; every point has arrived when each series counts them all.
      await eventually(
        async () => {
          await store.flush();
          return queryMetrics(
            store.url,
            `sum(count_over_time({__name__=~"faas.invocations|test.billed|test.duration_count","service.name"="${service}"}[1h]))`,
          );
        },
        (samples) => single(samples) === 3 * sent.length,
      );
    }, 240_000);
    afterAll(async () => {
      await collector?.stop();
      await store?.stop();
    }, 60_000);

    const total = async (promql: string) => single(await queryMetrics(store.url, promql));

    it('keeps one sample per point sent: none merged by the collector or collapsed by the store', async () => {
      const counts = byLabel(
        await queryMetrics(store.url, `count_over_time({__name__="faas.invocations","service.name"="${service}"}[1h])`),
        'service.instance.id',
      );
      expect(counts).toEqual({ 'instance-1': 2, 'instance-2': 2, 'instance-3': 2 });
    });

    it('totals an int sum exactly, per service and per process', async () => {
      expect(await total(`sum(sum_over_time({__name__="faas.invocations","service.name"="${service}"}[1h]))`)).toBe(sent.length);
      const perInstance = byLabel(
        await queryMetrics(
          store.url,
          `sum by ("service.instance.id") (sum_over_time({__name__="faas.invocations","service.name"="${service}"}[1h]))`,
        ),
        'service.instance.id',
      );
      expect(perInstance).toEqual({ 'instance-1': 2, 'instance-2': 2, 'instance-3': 2 });
    });

    it('totals a double sum exactly', async () => {
      const expected = sent.reduce((sum, call) => sum + call.billed, 0);
      expect(await total(`sum(sum_over_time({__name__="test.billed","service.name"="${service}"}[1h]))`)).toBe(expected);
    });

    it("totals a histogram's count, sum and buckets exactly", async () => {
      const all = sent.flatMap((call) => call.durations);
      expect(await total(`sum(sum_over_time({__name__="test.duration_count","service.name"="${service}"}[1h]))`)).toBe(all.length);
      expect(await total(`sum(sum_over_time({__name__="test.duration_sum","service.name"="${service}"}[1h]))`)).toBe(
        all.reduce((a, b) => a + b, 0),
      );
      const buckets = byLabel(
        await queryMetrics(store.url, `sum by (le) (sum_over_time({__name__="test.duration_bucket","service.name"="${service}"}[1h]))`),
        'le',
      );
      const counts = bucketCounts(BOUNDS, all);
      expect(buckets).toEqual(
        Object.fromEntries([...BOUNDS.map(String), '+Inf'].map((le, i) => [le, counts.slice(0, i + 1).reduce((a, b) => a + b, 0)])),
      );
    });
  },
);
