import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDelivery, DeliveryReport } from '../../src/exporters/delivery-report.ts';
import { FailoverMetricExporter, type MetricLineFormat } from '../../src/exporters/failover.ts';
import type { MetricRecord } from '../../src/exporters/metric-record.ts';
import { dataPointsOf, type MetricRecordExporter } from '../../src/exporters/metric-record-exporter.ts';
import { otlpMetricExporter, type OtlpExportResult } from '../../src/exporters/otlp/otlp-protobuf-exporter.ts';
import { sumPartialSuccess } from '../../src/exporters/otlp/partial-success.ts';
import { writeMetricsAsJsonLines } from '../../src/exporters/stdout-records.ts';
import { writeMetricsAsEmf } from '../../src/exporters/emf/emf-lines.ts';
import { readEmfLine } from '../helpers/emf-reader.ts';
import { CircuitBreaker } from '../../src/exporters/transport/circuit-breaker.ts';
import { freePort, startLoopbackServer } from '../../tools/loopback.ts';
import { encodePartialSuccess } from '../../tools/otlp-decode.ts';
import { sdkResourceMetrics, toMetricRecords } from '../helpers/metric-batches.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { decodeMetrics } from '../../tools/otlp-decode.ts';
import { encodeMetrics } from '../../src/exporters/otlp/encode-metrics.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

const exported = (exporter: Pick<MetricRecordExporter, 'export'>, records: MetricRecord[]) =>
  new Promise<OtlpExportResult>((resolve) => exporter.export(records, resolve as (result: ExportResult) => void));

async function records(): Promise<MetricRecord[]> {
  return (await sdkResourceMetrics()).flatMap(toMetricRecords);
}

function failover(url: string, format: MetricLineFormat = writeMetricsAsJsonLines) {
  const lines: string[] = [];
  const report = new DeliveryReport();
  const exporter = new FailoverMetricExporter({
    primary: {
      exporter: otlpMetricExporter({ url, timeoutMs: 400 }, sumPartialSuccess),
      breaker: new CircuitBreaker({ initialBackoffMs: 60_000 }),
    },
    lastResort: (line) => lines.push(line),
    report,
    format,
  });
  return { exporter, lines, report };
}

describe('metrics over OTLP/HTTP to a loopback receiver', () => {
  it('otlpMetricExporter posts /v1/metrics; the receiver reads every record and point back', async () => {
    const receiver = await startOtlpReceiver();
    closing.push(receiver.close);
    const batch = await records();
    const result = await exported(otlpMetricExporter({ url: `${receiver.url}/v1/metrics`, timeoutMs: 5000 }, sumPartialSuccess), batch);
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
    expect(receiver.requests.map((r) => [r.path, r.headers['content-type']])).toEqual([['/v1/metrics', 'application/x-protobuf']]);
    expect(receiver.metrics.map((m) => m.name)).toEqual(batch.map((r) => r.name));
    expect(receiver.metrics.flatMap((m) => m.points)).toHaveLength(dataPointsOf(batch));
  });

  it('partial_success of a metrics answer (rejected_data_points) is read and counted in data points, not sent elsewhere', async () => {
    const server = await startLoopbackServer({
      headers: { 'content-type': 'application/x-protobuf' },
      handle: () => ({ status: 200, body: encodePartialSuccess('metrics', 3, 'points too old') }),
    });
    closing.push(server.close);
    const url = `${server.url}/v1/metrics`;
    const batch = await records();
    const direct = await exported(otlpMetricExporter({ url, timeoutMs: 5000 }, sumPartialSuccess), batch);
    expect(direct).toMatchObject({ code: ExportResultCode.SUCCESS, partialSuccess: { rejected: 3, errorMessage: 'points too old' } });
    const { exporter, lines, report } = failover(url);
    expect((await exported(exporter, batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(lines).toEqual([]);
    const snapshot = report.take()!;
    expect(snapshot.metrics).toMatchObject({ rejected: 3, stdout: 0 });
    expect(describeDelivery(snapshot)).toEqual([
      '3 metric data point(s) rejected by the endpoint (partial success)',
      'metrics: the endpoint said "points too old"',
    ]);
  });
});

describe('FailoverMetricExporter: OTLP down → the injected last-resort format', () => {
  it('a collector answering 503: every record goes to the JSON lines once, counted in data points', async () => {
    const receiver = await startOtlpReceiver({ status: 503 });
    closing.push(receiver.close);
    const batch = await records();
    const { exporter, lines, report } = failover(`${receiver.url}/v1/metrics`);
    expect((await exported(exporter, batch)).code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.metrics).toEqual([]);
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.map((line) => line.name)).toEqual(batch.map((r) => r.name));
    expect(parsed.flatMap((line) => line.data_points)).toHaveLength(dataPointsOf(batch));
    expect(parsed.find((line) => line.name === 'queue.depth')).toMatchObject({
      undelivered_metric: true,
      type: 'sum',
      value_type: 'int',
      aggregation_temporality: 'delta',
      is_monotonic: false,
      scope: { name: 'app' },
      resource: { 'service.name': 'orders-api' },
      data_points: [
        { attributes: { queue: 'a' }, value: -5, time_unix_nano: expect.stringMatching(/^\d{19}$/) },
        { attributes: { queue: 'b' }, value: -(2 ** 40) },
        { attributes: { queue: 'c' }, value: 3 },
      ],
    });
    expect(parsed.find((line) => line.name === 'faas.invoke_duration').data_points[0]).toMatchObject({
      count: 6,
      explicit_bounds: [0.005, 0.01, 0.1, 1, 10],
      bucket_counts: [1, 1, 2, 0, 1, 1],
    });
    const snapshot = report.take()!;
    expect(snapshot.metrics).toMatchObject({ stdout: dataPointsOf(batch), fallback: 0, lost: 0 });
    expect(snapshot.spans.stdout + snapshot.logs.stdout).toBe(0);
    expect(describeDelivery(snapshot)[0]).toBe(`${dataPointsOf(batch)} metric data point(s) written to stdout as metric lines`);
  });

  it('a closed port: the format is the one injected, and the notes it returns reach the diagnostic line', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1/metrics`;
    const batch = await records();
    const format: MetricLineFormat = (records, write) => {
      write(`${records.length} records`);
      return { notes: ['a note from the format'] };
    };
    const { exporter, lines, report } = failover(url, format);
    await exported(exporter, batch);
    expect(lines).toEqual([`${batch.length} records`]);
    const snapshot = report.take()!;
    expect(snapshot.metrics.stdout).toBe(dataPointsOf(batch));
    expect(snapshot.reasons).toContain('metrics: a note from the format');
  });

  it('without a last resort the points are reported lost, in data points', async () => {
    const report = new DeliveryReport();
    const url = `http://127.0.0.1:${await freePort()}/v1/metrics`;
    const exporter = new FailoverMetricExporter({
      primary: { exporter: otlpMetricExporter({ url, timeoutMs: 400 }, sumPartialSuccess), breaker: new CircuitBreaker() },
      report,
      format: writeMetricsAsJsonLines,
    });
    const batch = await records();
    expect((await exported(exporter, batch)).code).toBe(ExportResultCode.FAILED);
    expect(report.take()?.metrics.lost).toBe(dataPointsOf(batch));
  });

  it('Lambda’s format: OTLP down (closed port) → valid EMF documents holding every point, the namespace note on the line', async () => {
    const url = `http://127.0.0.1:${await freePort()}/v1/metrics`;
    const batch = await records();
    const { exporter, lines, report } = failover(url, (records, write) => writeMetricsAsEmf(records, write, { namespace: 'AWS/Lambda' }));
    expect((await exported(exporter, batch)).code).toBe(ExportResultCode.SUCCESS);
    const entries = lines.flatMap((line) => readEmfLine(line).entries);
    // Every point is one value in one document (the SDK writes no empty histogram points).
    expect(entries).toHaveLength(dataPointsOf(batch));
    expect(new Set(entries.map((e) => e.namespace))).toEqual(new Set(['faas-observability']));
    const snapshot = report.take()!;
    expect(snapshot.metrics.stdout).toBe(dataPointsOf(batch));
    expect(describeDelivery(snapshot)).toContain(`${dataPointsOf(batch)} metric data point(s) written to stdout as metric lines`);
    expect(snapshot.reasons.some((r) => r.startsWith('metrics: the EMF namespace "AWS/Lambda" starts with AWS/'))).toBe(true);
  });
});

const availability = collectorAvailability();
describe.skipIf(!availability.run)(`the real collector ${availability.reason}`, () => {
  it('takes our metrics requests (read by its own protobuf code) and writes back the same points', async () => {
    const batch = await records();
    const collector = await startCollector();
    let result: OtlpExportResult;
    try {
      result = await exported(otlpMetricExporter({ url: `${collector.endpoint}/v1/metrics`, timeoutMs: 5000 }, sumPartialSuccess), batch);
    } finally {
      const received = await collector.stop();
      // What the collector wrote (OTLP JSON) against what we sent, read back with the .proto files.
      const sent = decodeMetrics(encodeMetrics(batch));
      const key = (m: { name: string; scope: { name: string } }) => `${m.scope.name}/${m.name}`;
      const byKey = (list: typeof sent) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : 1));
      expect(byKey(received.metrics)).toEqual(byKey(sent));
    }
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });
  }, 30_000);
});
