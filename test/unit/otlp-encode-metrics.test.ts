import { ValueType, type HrTime } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import type { MetricRecord } from '../../src/exporters/metric-record.ts';
import { encodeMetrics } from '../../src/exporters/otlp/encode-metrics.ts';
import { decodeMetrics, decodeRequest } from '../../tools/otlp-decode.ts';
import { POINT_ATTRIBUTES, sdkResourceMetrics, toMetricRecords } from '../helpers/metric-batches.ts';

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

describe('encodeMetrics writes what the official ProtobufMetricsSerializer writes', () => {
  it('the SDK’s collections, byte for byte: sums, gauges, histograms, several scopes, delta and cumulative', async () => {
    const collections = await sdkResourceMetrics();
    for (const resourceMetrics of collections) {
      const records = toMetricRecords(resourceMetrics);
      expect(records.length).toBeGreaterThan(1);
      const official = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
      expect(hex(encodeMetrics(records))).toBe(hex(official));
      // Read back with the .proto files, independently of both writers.
      expect(decodeRequest('metrics', encodeMetrics(records))).toEqual(decodeRequest('metrics', official!));
    }
    // Two resources in one request: the official serializer takes one at a time; its requests concatenate
    // into one (repeated field 1).
    const all = collections.flatMap(toMetricRecords);
    const joined = Buffer.concat(collections.map((rm) => ProtobufMetricsSerializer.serializeRequest(rm)!));
    expect(hex(encodeMetrics(all))).toBe(joined.toString('hex'));
  });

  it('reads back as written: as_int for int instruments (negatives, 2^40), as_double otherwise, temporality, monotonicity', async () => {
    const decoded = decodeMetrics(encodeMetrics((await sdkResourceMetrics()).flatMap(toMetricRecords)));
    const metric = (name: string) => decoded.find((m) => m.name === name)!;
    expect(metric('faas.invocations')).toMatchObject({
      type: 'sum',
      temporality: 1,
      monotonic: true,
      unit: '{invocation}',
      description: 'Invocations',
    });
    expect(metric('faas.invocations').scope).toEqual({ name: 'faas-observability', version: '0.1.0' });
    expect(metric('faas.invocations').resource).toMatchObject({ 'service.name': 'orders-api' });
    expect(metric('faas.invocations').points.find((p) => p.value === 2 ** 40)).toMatchObject({
      valueKind: 'int',
      attributes: POINT_ATTRIBUTES,
    });
    expect(metric('queue.depth')).toMatchObject({ type: 'sum', monotonic: false });
    expect(metric('queue.depth').points.map((p) => [p.value, p.valueKind])).toEqual([
      [-5, 'int'],
      [-(2 ** 40), 'int'],
      [3, 'int'],
    ]);
    expect(metric('balance').points[0]).toMatchObject({ value: -12.5, valueKind: 'double' });
    expect(metric('memory.used')).toMatchObject({ type: 'gauge', temporality: 0 });
    expect(metric('memory.used').points.map((p) => p.value)).toEqual([128 * 2 ** 20, -1]);
    expect(metric('temperature').points[0]).toMatchObject({ value: -3.75, valueKind: 'double', attributes: POINT_ATTRIBUTES });
    const duration = metric('faas.invoke_duration');
    expect(duration).toMatchObject({ type: 'histogram', temporality: 1, unit: 's' });
    expect(duration.points[0]).toMatchObject({
      count: 6,
      sum: 0.002 + 0.007 + 0.05 + 0.05 + 3 + 42,
      min: 0.002,
      max: 42,
      explicitBounds: [0.005, 0.01, 0.1, 1, 10],
      bucketCounts: [1, 1, 2, 0, 1, 1],
    });
    expect(metric('requests')).toMatchObject({ temporality: 2, monotonic: true, resource: { 'service.name': 'edge-worker' } });
    expect(metric('latency')).toMatchObject({ type: 'histogram', temporality: 2 });
    for (const point of metric('faas.invocations').points) expect(BigInt(point.timeNs)).toBeGreaterThanOrEqual(BigInt(point.startNs));
  });

  it('hand-made points at the edges, against the official serializer too: min int64, fractions of an int, times past 2^53 ns, no buckets', () => {
    const resource = resourceFromAttributes({});
    const scope = { name: 's' };
    const time: HrTime = [1_800_000_000, 999_999_999];
    const ints = [-(2 ** 63), -1, -0, 2 ** 53 + 2, 1.9, -1.9];
    const empty = { attributes: {}, startTime: [0, 0] as HrTime, time, count: 0, sum: 0, min: Infinity, max: -Infinity };
    const records: MetricRecord[] = [
      {
        resource,
        instrumentationScope: scope,
        name: 'ints',
        description: '',
        unit: '',
        valueType: 'int',
        data: { type: 'gauge', points: ints.map((value) => ({ attributes: { value }, startTime: time, time, value })) },
      },
      {
        resource,
        instrumentationScope: scope,
        name: 'h',
        description: '',
        unit: '',
        valueType: 'double',
        data: { type: 'histogram', temporality: 'delta', points: [{ ...empty, boundaries: [], bucketCounts: [] }] },
      },
    ];
    const official = ProtobufMetricsSerializer.serializeRequest({
      resource,
      scopeMetrics: [
        {
          scope,
          metrics: [
            {
              descriptor: { name: 'ints', description: '', unit: '', valueType: ValueType.INT },
              dataPointType: DataPointType.GAUGE,
              aggregationTemporality: AggregationTemporality.DELTA,
              dataPoints: ints.map((value) => ({ attributes: { value }, startTime: time, endTime: time, value })),
            },
            {
              descriptor: { name: 'h', description: '', unit: '', valueType: ValueType.DOUBLE },
              dataPointType: DataPointType.HISTOGRAM,
              aggregationTemporality: AggregationTemporality.DELTA,
              dataPoints: [{ ...empty, endTime: time, value: { ...empty, buckets: { boundaries: [], counts: [] } } }],
            },
          ],
        },
      ],
    } as never);
    expect(hex(encodeMetrics(records))).toBe(hex(official));
    const request = decodeRequest('metrics', encodeMetrics(records)) as any;
    const [gauge, histogram] = request.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(gauge.gauge.dataPoints.map((p: any) => p.asInt)).toEqual(['-9223372036854775808', '-1', '0', '9007199254740994', '1', '-1']);
    expect(gauge.gauge.dataPoints[0].timeUnixNano).toBe('1800000000999999999');
    expect(histogram.histogram.dataPoints[0]).toMatchObject({ min: Infinity, max: -Infinity });
    expect(histogram.histogram.dataPoints[0].bucketCounts).toBeUndefined();
    expect(gauge.unit).toBeUndefined();
  });

  it('an empty batch is an empty request', () => {
    expect(encodeMetrics([])).toEqual(new Uint8Array(0));
  });
});
