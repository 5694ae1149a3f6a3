/**
 * Metric batches from the real SDK (`@opentelemetry/sdk-metrics`), and the conversion of its
 * `ResourceMetrics` into our `MetricRecord`s, for comparing our encoder with the official serializer.
 */
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  MetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { HistogramPoint, MetricRecord, NumberPoint } from '../../src/exporters/metric-record.ts';

/** A reader collected by hand, delta by default (the library's choice: one collection per invocation). */
export class CollectingReader extends MetricReader {
  constructor(temporality: AggregationTemporality = AggregationTemporality.DELTA) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** Attributes of every kind a metric point can carry. */
export const POINT_ATTRIBUTES: Attributes = {
  route: '/orders/{id}',
  utf8: 'héllo ✓',
  code: 200,
  negative: -3,
  ratio: 0.25,
  cold: true,
  warm: false,
  tags: ['a', 'b'],
  ids: [1, 2],
  flags: [true],
};

/** Everything the SDK collects from a provider: sums (int, double, monotonic or not), gauges, histograms. */
async function collect(provider: MeterProvider, reader: CollectingReader, record: (provider: MeterProvider) => void) {
  record(provider);
  const { resourceMetrics, errors } = await reader.collect();
  if (errors.length > 0) throw new AggregateError(errors);
  return resourceMetrics;
}

/**
 * Two resources (one delta, one cumulative), several scopes (a version, a schema URL), and every instrument
 * kind the library records, negative ints and 2^40 included.
 */
export async function sdkResourceMetrics(): Promise<ResourceMetrics[]> {
  const deltaReader = new CollectingReader();
  const lambda = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'orders-api', 'faas.name': 'orders', 'cloud.region': 'eu-west-1' }),
    readers: [deltaReader],
  });
  const first = await collect(lambda, deltaReader, (provider) => {
    const faas = provider.getMeter('faas-observability', '0.1.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
    const invocations = faas.createCounter('faas.invocations', {
      valueType: ValueType.INT,
      unit: '{invocation}',
      description: 'Invocations',
    });
    invocations.add(1, { 'faas.trigger': 'http' });
    invocations.add(2, { 'faas.trigger': 'pubsub' });
    invocations.add(2 ** 40, POINT_ATTRIBUTES);
    const duration = faas.createHistogram('faas.invoke_duration', {
      unit: 's',
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.1, 1, 10] },
    });
    for (const seconds of [0.002, 0.007, 0.05, 0.05, 3, 42]) duration.record(seconds, { 'faas.trigger': 'http' });
    duration.record(0.5, POINT_ATTRIBUTES);
    const sizes = faas.createHistogram('http.server.request.body.size', { unit: 'By', valueType: ValueType.INT });
    sizes.record(1024);
    const app = provider.getMeter('app');
    const inFlight = app.createUpDownCounter('queue.depth', { valueType: ValueType.INT });
    inFlight.add(-5, { queue: 'a' });
    inFlight.add(-(2 ** 40), { queue: 'b' });
    inFlight.add(3, { queue: 'c' });
    const balance = app.createUpDownCounter('balance', { unit: 'EUR' });
    balance.add(-12.5);
    const spent = app.createCounter('cpu.time', { unit: 'ms' });
    spent.add(1.5, POINT_ATTRIBUTES);
    const memory = app.createGauge('memory.used', { unit: 'By', valueType: ValueType.INT });
    memory.record(128 * 2 ** 20);
    memory.record(-1, { pool: 'weird' });
    const temperature = app.createGauge('temperature', { unit: 'Cel' });
    temperature.record(-3.75, POINT_ATTRIBUTES);
    app.createObservableGauge('load', { description: 'Observed' }).addCallback((result) => result.observe(0.5, { core: 1 }));
  });
  const cumulativeReader = new CollectingReader(AggregationTemporality.CUMULATIVE);
  const edge = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'edge-worker' }), readers: [cumulativeReader] });
  const second = await collect(edge, cumulativeReader, (provider) => {
    const meter = provider.getMeter('edge');
    meter.createCounter('requests', { valueType: ValueType.INT }).add(7, { colo: 'AMS' });
    meter.createHistogram('latency', { unit: 'ms' }).record(12, { colo: 'AMS' });
  });
  return [first, second];
}

const POINT_KIND: Record<DataPointType, MetricRecord['data']['type'] | undefined> = {
  [DataPointType.SUM]: 'sum',
  [DataPointType.GAUGE]: 'gauge',
  [DataPointType.HISTOGRAM]: 'histogram',
  [DataPointType.EXPONENTIAL_HISTOGRAM]: undefined,
};

/** The SDK's collection as the records the metrics pipeline queues: one per instrument, under its resource and scope. */
export function toMetricRecords(resourceMetrics: ResourceMetrics): MetricRecord[] {
  const records: MetricRecord[] = [];
  for (const scoped of resourceMetrics.scopeMetrics) {
    for (const metric of scoped.metrics) {
      records.push({
        resource: resourceMetrics.resource,
        instrumentationScope: scoped.scope,
        name: metric.descriptor.name,
        description: metric.descriptor.description,
        unit: metric.descriptor.unit,
        valueType: metric.descriptor.valueType === ValueType.INT ? 'int' : 'double',
        data: dataOf(metric),
      });
    }
  }
  return records;
}

const temporalityOf = (metric: MetricData) => (metric.aggregationTemporality === AggregationTemporality.DELTA ? 'delta' : 'cumulative');

function dataOf(metric: MetricData): MetricRecord['data'] {
  const kind = POINT_KIND[metric.dataPointType];
  if (kind === 'histogram') {
    return {
      type: 'histogram',
      temporality: temporalityOf(metric),
      points: (metric.dataPoints as DataPoint<Histogram>[]).map(histogramPoint),
    };
  }
  const points = (metric.dataPoints as DataPoint<number>[]).map(numberPoint);
  if (kind === 'gauge') return { type: 'gauge', points };
  if (kind === 'sum')
    return {
      type: 'sum',
      monotonic: metric.dataPointType === DataPointType.SUM && metric.isMonotonic,
      temporality: temporalityOf(metric),
      points,
    };
  throw new Error(`no record for ${metric.descriptor.name}: exponential histograms are not recorded`);
}

const times = (point: DataPoint<unknown>): { startTime: HrTime; time: HrTime } => ({ startTime: point.startTime, time: point.endTime });

function numberPoint(point: DataPoint<number>): NumberPoint {
  return { attributes: point.attributes, ...times(point), value: point.value };
}

function histogramPoint(point: DataPoint<Histogram>): HistogramPoint {
  const { count, sum, min, max, buckets } = point.value;
  if (sum === undefined || min === undefined || max === undefined) throw new Error('a histogram without sum, min or max');
  return {
    attributes: point.attributes,
    ...times(point),
    count,
    sum,
    min,
    max,
    boundaries: buckets.boundaries,
    bucketCounts: buckets.counts,
  };
}
