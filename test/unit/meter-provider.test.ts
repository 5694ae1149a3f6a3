import { ValueType, type Attributes, type Meter } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  InstrumentType,
  MeterProvider,
  MetricReader,
  type MetricData as SdkMetricData,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { CollectingMeterProvider } from '../../src/core/metrics/meter-provider.ts';
import { temporalityFor } from '../../src/core/metrics/temporality.ts';
import { seriesKey } from '../../src/core/metrics/series-table.ts';
import type { MetricRecord } from '../../src/exporters/metric-record.ts';

const resource = resourceFromAttributes({ 'service.name': 'meters' });

/** The official SDK, collected on demand like ours: the reference our aggregation must agree with. */
class PullReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const SDK_DELTA = new Set([
  InstrumentType.COUNTER,
  InstrumentType.OBSERVABLE_COUNTER,
  InstrumentType.HISTOGRAM,
  InstrumentType.GAUGE,
  InstrumentType.OBSERVABLE_GAUGE,
]);

function sdkProvider(preference: 'delta' | 'cumulative') {
  const reader = new PullReader({
    aggregationTemporalitySelector: (type) =>
      preference === 'delta' && SDK_DELTA.has(type) ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  return { provider: new MeterProvider({ resource, readers: [reader] }), reader };
}

/** Sums of fractions differ in the last bit with the order of the additions. */
const rounded = (value: number) => Math.round(value * 1e9) / 1e9;

/** Points as comparable rows: metric name → attribute key → what the point says. */
type Rows = Record<string, Record<string, unknown>>;

function sdkRows(metrics: SdkMetricData[]): Rows {
  const rows: Rows = {};
  for (const metric of metrics) {
    const byKey: Record<string, unknown> = {};
    for (const point of metric.dataPoints as { attributes: Attributes; value: unknown }[]) {
      const value = point.value as
        number | { count: number; sum: number; min: number; max: number; buckets: { boundaries: number[]; counts: number[] } };
      byKey[seriesKey(point.attributes)] =
        metric.dataPointType === DataPointType.HISTOGRAM && typeof value === 'object'
          ? {
              count: value.count,
              sum: rounded(value.sum),
              min: value.min,
              max: value.max,
              boundaries: value.buckets.boundaries,
              counts: value.buckets.counts,
            }
          : value;
    }
    if (metric.dataPoints.length > 0) rows[metric.descriptor.name] = byKey;
  }
  return rows;
}

function ourRows(records: MetricRecord[]): Rows {
  const rows: Rows = {};
  for (const record of records) {
    const byKey: Record<string, unknown> = {};
    for (const point of record.data.points) {
      byKey[seriesKey(point.attributes)] =
        'count' in point
          ? {
              count: point.count,
              sum: rounded(point.sum),
              min: point.min,
              max: point.max,
              boundaries: [...point.boundaries],
              counts: [...point.bucketCounts],
            }
          : point.value;
    }
    rows[record.name] = byKey;
  }
  return rows;
}

/** The same calls on any meter: every instrument kind, several series, values of each kind. */
function workload(meter: Meter, round: number, observed: { total: number }) {
  const orders = meter.createCounter('orders', { valueType: ValueType.INT, unit: '{order}' });
  const amount = meter.createCounter('amount', { unit: 'EUR' });
  const queue = meter.createUpDownCounter('queue.depth');
  const latency = meter.createHistogram('latency', { unit: 's', advice: { explicitBucketBoundaries: [0.1, 0.5, 1] } });
  const sizes = meter.createHistogram('sizes');
  const temperature = meter.createGauge('temperature');
  const hits = meter.createObservableCounter('hits');
  const level = meter.createObservableGauge('level');
  hits.addCallback((result) => result.observe(observed.total, { source: 'cache' }));
  level.addCallback((result) => result.observe(round * 10, { tank: 'a' }));
  for (let i = 0; i < 50 * round; i++) {
    orders.add(1, { region: i % 3 === 0 ? 'eu' : 'us', paid: i % 2 === 0 });
    amount.add(0.25 * i, { region: 'eu' });
    queue.add(i % 4 === 0 ? -1 : 1, { queue: 'q1' });
    latency.record((i % 13) / 10, { route: '/orders/{id}' });
    sizes.record(i * 37, {});
    temperature.record(20 + i, { room: i % 2 ? 'x' : 'y' });
  }
  orders.add(1, { paid: true, region: 'eu' }); // the same series, keys in another order
}

describe('CollectingMeterProvider agrees with the official metrics SDK', () => {
  it.each(['delta', 'cumulative'] as const)('%s: every instrument kind over three collections', async (preference) => {
    const ours = new CollectingMeterProvider();
    const sdk = sdkProvider(preference);
    const observedOurs = { total: 0 };
    const observedSdk = { total: 0 };
    for (const round of [1, 2, 3]) {
      // Instruments are created again each round: the same name and kind is the same instrument.
      observedOurs.total += 7 * round;
      observedSdk.total += 7 * round;
      workload(ours.getMeter('shop', '1.0.0'), round, observedOurs);
      workload(sdk.provider.getMeter('shop', '1.0.0'), round, observedSdk);
      const records = await ours.collect(resource, temporalityFor(preference));
      const { resourceMetrics, errors } = await sdk.reader.collect();
      expect(errors).toEqual([]);
      const expected = sdkRows(resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics));
      expect(ourRows(records)).toEqual(expected);
    }
  });
});

describe('delta collection', () => {
  it('reports each measurement once: nothing twice across collections, nothing when nothing happened', async () => {
    const provider = new CollectingMeterProvider();
    const counter = provider.getMeter('m').createCounter('c');
    counter.add(3);
    const first = await provider.collect(resource, temporalityFor('delta'));
    expect(first.map((r) => r.data.points.map((p) => ('value' in p ? p.value : undefined)))).toEqual([[3]]);
    expect(await provider.collect(resource, temporalityFor('delta'))).toEqual([]);
    counter.add(2);
    const third = await provider.collect(resource, temporalityFor('delta'));
    expect(third[0]!.data).toMatchObject({ type: 'sum', monotonic: true, temporality: 'delta', points: [{ value: 2 }] });
    // The delta windows follow one another: the third starts where the (empty) second one ended, after the first.
    const ns = ([s, n]: readonly [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(n);
    const thirdPoint = third[0]!.data.points[0]!;
    expect(ns(thirdPoint.startTime)).toBeGreaterThan(ns(first[0]!.data.points[0]!.time));
    expect(ns(thirdPoint.startTime)).toBeLessThanOrEqual(ns(thirdPoint.time));
  });

  it('counts overlapping invocations once each, whatever order they finish in', async () => {
    const provider = new CollectingMeterProvider();
    const counter = provider.getMeter('m').createCounter('c');
    const invocation = async (delayMs: number) => {
      counter.add(1, { step: 'start' });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      counter.add(1, { step: 'end' });
    };
    const collections: MetricRecord[][] = [];
    const slow = invocation(30);
    const fast = invocation(1).then(async () => collections.push(await provider.collect(resource, temporalityFor('delta'))));
    await Promise.all([slow, fast]);
    collections.push(await provider.collect(resource, temporalityFor('delta')));
    const totals: Record<string, number> = {};
    for (const record of collections.flat())
      for (const point of record.data.points) {
        const key = String(point.attributes.step);
        totals[key] = (totals[key] ?? 0) + ('value' in point ? point.value : 0);
      }
    expect(totals).toEqual({ start: 2, end: 2 });
  });
});

describe('what the provider will not take', () => {
  it('a burst of 100,000 adds costs a series, not a call; past the cardinality limit the overflow series takes the rest', async () => {
    const provider = new CollectingMeterProvider({ cardinalityLimit: 10 });
    const counter = provider.getMeter('m').createCounter('requests');
    for (let i = 0; i < 100_000; i++) counter.add(1, { user: `u${i % 25}` });
    const [record] = await provider.collect(resource, temporalityFor('delta'));
    const points = record!.data.points as readonly { attributes: Attributes; value: number }[];
    expect(points).toHaveLength(10);
    expect(points.reduce((sum, p) => sum + p.value, 0)).toBe(100_000);
    const overflow = points.find((p) => p.attributes['otel.metric.overflow'] === true);
    // 9 series kept whole (4,000 each), the other 16 users in the overflow series.
    expect(overflow?.value).toBe(100_000 - 9 * 4000);
  });

  it('drops what the SDK drops, says why once per collection, and never throws', async () => {
    const provider = new CollectingMeterProvider();
    const meter = provider.getMeter('m');
    const counter = meter.createCounter('c');
    const histogram = meter.createHistogram('h');
    expect(() => {
      counter.add(-1);
      counter.add(Number.NaN);
      counter.add('5' as unknown as number);
      histogram.record(-3);
      meter.createObservableGauge('g').addCallback(() => {
        throw new Error('callback broke');
      });
      meter.createCounter('1bad name');
    }).not.toThrow();
    counter.add(2);
    const records = await provider.collect(resource, temporalityFor('delta'));
    expect(records.map((r) => r.name)).toEqual(['c']);
    expect((records[0]!.data.points[0] as { value: number }).value).toBe(2);
    const problems = provider.takeProblems();
    expect(problems.join('\n')).toMatch(/counter only goes up/);
    expect(problems.join('\n')).toMatch(/not a finite number/);
    expect(problems.join('\n')).toMatch(/no negative value/);
    expect(problems.join('\n')).toMatch(/callback threw/);
    expect(problems.join('\n')).toMatch(/not a valid instrument name/);
    expect(provider.takeProblems()).toEqual([]);
  });

  it('awaits observable callbacks that return a promise, and reports one that rejects', async () => {
    const provider = new CollectingMeterProvider();
    const meter = provider.getMeter('m');
    meter.createObservableUpDownCounter('connections').addCallback(async (result) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      result.observe(4, { pool: 'db' });
    });
    meter.createObservableGauge('broken').addCallback(() => Promise.reject(new Error('no reading')));
    const records = await provider.collect(resource, temporalityFor('delta'));
    expect(records.map((r) => [r.name, r.data.points.map((p) => ('value' in p ? p.value : undefined))])).toEqual([['connections', [4]]]);
    expect(provider.takeProblems().join()).toMatch(/no reading/);
  });

  it('unusable bucket advice falls back to the default buckets', async () => {
    const provider = new CollectingMeterProvider();
    provider
      .getMeter('m')
      .createHistogram('h', { advice: { explicitBucketBoundaries: [5, 1, Number.NaN] } })
      .record(7);
    const [record] = await provider.collect(resource, temporalityFor('delta'));
    expect((record!.data.points[0] as { boundaries: readonly number[] }).boundaries).toEqual([
      0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
    ]);
    expect(provider.takeProblems().join()).toMatch(/explicitBucketBoundaries/);
  });
});
