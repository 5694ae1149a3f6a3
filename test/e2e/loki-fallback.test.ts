import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { LokiPushExporter } from '../../src/exporters/index.ts';
import { createLambdaObservability, type LokiFormat } from '../../src/lambda.ts';
import { closedEndpoint } from '../../tools/loopback.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { exportOnce, makeRecords } from '../helpers/log-records.ts';
import { eventually, queryLogs, realStackAvailability, useRealLogStore, type LogLine } from '../helpers/real-stack.ts';

const availability = realStackAvailability(['victoria-logs']);

// Grafana Loki is AGPL and never runs here: the fallback pushes through Loki's public push API to VictoriaLogs,
// an independent implementation of it (Apache-2.0), and reads back with LogsQL. Multi-tenant like a hosted Loki:
// each test writes as its own tenant (VictoriaLogs reads `X-Scope-OrgID` as a numeric account id). What only
// Loki's own limits do (its 400s and 429s) is in test/integration/loki-limits.test.ts, against the stand-in.
const TENANT = { json: '21', 'json-gzip': '22', protobuf: '23', limits: '24', elsewhere: '99' } as const;

describe.skipIf(!availability.run)("the Loki fallback, pushed to a real store through Loki's push API and read back", () => {
  const logStore = useRealLogStore();

  /** Runs one invocation through the library with a dead OTLP endpoint, so every log fails over to Loki. */
  async function invokeWithDeadCollector(
    tenant: string,
    format: LokiFormat,
    handler: () => void,
  ): Promise<{ traceId: string; spanId: string; lines: string[] }> {
    const spans = new InMemorySpanExporter();
    const saved = { ...console };
    // The bridge keeps the console methods it finds as the "originals": these recorders stand for stdout.
    const lines: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      console[method] = (...args: unknown[]) => void lines.push(args.join(' '));
    const observability = createLambdaObservability(
      {
        endpoint: await closedEndpoint(),
        spanExporter: spans,
        loki: { url: logStore.lokiUrl, tenant, format },
        maxLogBodyLength: 1_000_000,
      },
      LAMBDA_ENV,
    );
    let ids;
    try {
      await observability.wrap(async (_event: unknown, _context: unknown) => handler())({}, lambdaContext());
      ids = spans.getFinishedSpans()[0]!.spanContext(); // before shutdown, which empties the in-memory exporter
    } finally {
      await observability.shutdown();
      Object.assign(console, saved);
    }
    return { traceId: ids.traceId, spanId: ids.spanId, lines };
  }

  const byTrace = (tenant: string, traceId: string, count: number) =>
    eventually(
      () => queryLogs(logStore.url, `{service_name="orders-api"} trace_id:="${traceId}"`, { tenant }),
      (lines: LogLine[]) => lines.length >= count,
    );

  it.each<LokiFormat>(['json', 'json-gzip', 'protobuf'])(
    '%s: labels, and trace_id, span_id, severity and attributes as structured metadata',
    async (format) => {
      const tenant = TENANT[format];
      const {
        traceId,
        spanId,
        lines: stdout,
      } = await invokeWithDeadCollector(tenant, format, () => {
        console.log('order received', { orderId: 'o-1', format });
        console.warn('stock low', { sku: 'sku-9' });
        console.error('payment declined');
      });
      const lines = await byTrace(tenant, traceId, 3);

      expect(stdout[0]).toMatch(new RegExp(`^order received .* trace_id=${traceId} span_id=${spanId}$`));
      // Records logged in the same millisecond have no order across streams: find each by its text.
      const line = (start: string) => lines.find((l) => l.line.startsWith(start))!;
      expect(lines.map((l) => l.line).sort()).toEqual([
        `order received { orderId: 'o-1', format: '${format}' }`,
        'payment declined',
        "stock low { sku: 'sku-9' }",
      ]);
      for (const entry of lines) {
        expect(entry.labels).toMatchObject({ service_name: 'orders-api', faas_name: 'orders-api', cloud_region: 'eu-west-1' });
        // Ids stay out of the labels (one stream per value would be a cardinality explosion).
        expect(Object.keys(entry.labels)).not.toContain('trace_id');
        expect(entry.metadata).toMatchObject({ trace_id: traceId, span_id: spanId });
        expect(entry.metadata.log_record_uid).toMatch(/\S/);
      }
      expect(line('order received')).toMatchObject({
        labels: { level: 'info' },
        metadata: { severity_number: '9', orderId: 'o-1', format },
      });
      expect(line('stock low')).toMatchObject({ labels: { level: 'warn' }, metadata: { severity_number: '13', sku: 'sku-9' } });
      expect(line('payment declined')).toMatchObject({ labels: { level: 'error' }, metadata: { severity_number: '17' } });
      // The tenant header took effect: another tenant sees none of it.
      expect(await queryLogs(logStore.url, `{service_name="orders-api"} trace_id:="${traceId}"`, { tenant: TENANT.elsewhere })).toEqual([]);
    },
    60_000,
  );

  it("cuts a line over Loki's limit, and the store has it cut, with the marker", async () => {
    const huge = 'x'.repeat(300 * 1024);
    const { traceId } = await invokeWithDeadCollector(TENANT.limits, 'protobuf', () => {
      console.log('before');
      console.log(huge);
      console.log('after');
    });
    const lines = await byTrace(TENANT.limits, traceId, 3);

    expect(lines.map((l) => l.line.slice(0, 6)).sort()).toEqual(['after', 'before', 'xxxxxx']);
    const cut = lines.find((l) => l.line.startsWith('x'))!.line;
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(256 * 1024);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(255 * 1024);
    expect(cut).toMatch(/…\[truncated\]$/);
  }, 60_000);

  it("cuts structured metadata over Loki's count and size limits, and the store has what was kept", async () => {
    // The console bridge keeps fewer attributes than Loki's 128 entries; other producers of log records do not.
    const run = `run-${Date.now()}`;
    const many = { run, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`])) };
    const big = { run, blob: 'b'.repeat(70 * 1024) };
    const exporter = new LokiPushExporter({ url: logStore.lokiUrl, tenant: TENANT.limits, format: 'json', timeoutMs: 5000 });
    const records = makeRecords([
      { body: 'many attributes', attributes: many },
      { body: 'a big attribute', attributes: big },
      { body: 'plain', attributes: { run } },
    ]);
    expect((await exportOnce(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    const lines = await eventually(
      () => queryLogs(logStore.url, `{service_name="orders-api"} run:="${run}"`, { tenant: TENANT.limits }),
      (found) => found.length >= 3,
    );
    const metadataOf = (line: string) => lines.find((l) => l.line === line)!.metadata;
    expect(lines.map((l) => l.line).sort()).toEqual(['a big attribute', 'many attributes', 'plain']);
    // (The SDK keeps 128 attributes of the 201; with severity_number that is still one over Loki's 128 entries.)
    expect(Object.keys(metadataOf('many attributes')).length).toBeLessThanOrEqual(128);
    expect(Number(metadataOf('many attributes').truncated_attributes)).toBeGreaterThanOrEqual(1);
    expect(metadataOf('a big attribute')).toMatchObject({ run, truncated_attributes: '1' });
    expect(metadataOf('a big attribute').blob).toBeUndefined();
    expect(metadataOf('plain').truncated_attributes).toBeUndefined();
  }, 60_000);
});
