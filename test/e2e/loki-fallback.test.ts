import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LokiPushExporter } from '../../src/exporters/index.ts';
import { ExportFailure } from '../../src/exporters/export-failure.ts';
import { createLambdaObservability, type LokiFormat } from '../../src/lambda.ts';
import { closedEndpoint } from '../../tools/loopback.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { exportOnce, makeRecords } from '../helpers/log-records.ts';
import { eventually, queryLoki, realStackAvailability, startLoki, type LokiLine, type RunningLoki } from '../helpers/real-stack.ts';

const availability = realStackAvailability(['loki']);

// One real Loki, multi-tenant like a hosted one: each test writes as its own tenant, and two tenants get
// limits low enough to make the real server answer 429 and 400.
const TENANTS = {
  'rate-limited': { per_stream_rate_limit: '1KB', per_stream_rate_limit_burst: '2KB' },
  strict: { max_line_size: '1KB' },
};

describe.skipIf(!availability.run)('the Loki fallback, pushed to the real Loki and read back with LogQL', () => {
  let loki: RunningLoki;
  beforeAll(async () => {
    loki = await startLoki({ tenants: TENANTS });
  }, 180_000);
  afterAll(async () => {
    await loki?.stop();
  }, 60_000);

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
      { endpoint: await closedEndpoint(), spanExporter: spans, loki: { url: loki.url, tenant, format }, maxLogBodyLength: 1_000_000 },
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
      () => queryLoki(loki.url, `{service_name="orders-api"} | trace_id="${traceId}"`, { tenant }),
      (lines: LokiLine[]) => lines.length >= count,
    );

  it.each<LokiFormat>(['json', 'json-gzip', 'protobuf'])(
    '%s: labels, and trace_id, span_id, severity and attributes as structured metadata',
    async (format) => {
      const tenant = `team-${format}`;
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
      expect(await queryLoki(loki.url, `{service_name="orders-api"} | trace_id="${traceId}"`, { tenant: 'someone-else' })).toEqual([]);
    },
    60_000,
  );

  it("cuts a line over Loki's limit, so Loki takes the batch it would otherwise reject", async () => {
    const huge = 'x'.repeat(300 * 1024);
    // What Loki does with it uncut: it rejects it (400) with its own validation message.
    const tooLong = await rawPush('limits', [[huge, {}]]);
    expect(tooLong.status).toBe(400);
    expect(tooLong.text).toMatch(/max entry size .* exceeded/);

    const { traceId } = await invokeWithDeadCollector('limits', 'protobuf', () => {
      console.log('before');
      console.log(huge);
      console.log('after');
    });
    const lines = await byTrace('limits', traceId, 3);

    expect(lines.map((l) => l.line.slice(0, 6)).sort()).toEqual(['after', 'before', 'xxxxxx']);
    const cut = lines.find((l) => l.line.startsWith('x'))!.line;
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(256 * 1024);
    expect(Buffer.byteLength(cut)).toBeGreaterThan(255 * 1024);
    expect(cut).toMatch(/…\[truncated\]$/);
  }, 60_000);

  it("cuts structured metadata over Loki's count and size limits, so Loki takes the batch it would otherwise reject", async () => {
    // The console bridge keeps fewer attributes than Loki's 128 entries; other producers of log records do not.
    const run = `run-${Date.now()}`;
    const many = { run, ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`])) };
    const big = { run, blob: 'b'.repeat(70 * 1024) };
    const tooMany = await rawPush('limits', [['many attributes', many]]);
    const tooBig = await rawPush('limits', [['a big attribute', big]]);
    expect(tooMany.status).toBe(400);
    expect(tooMany.text).toMatch(/structured metadata/i);
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toMatch(/structured metadata/i);

    const exporter = new LokiPushExporter({ url: loki.url, tenant: 'limits', format: 'json', timeoutMs: 5000 });
    const records = makeRecords([
      { body: 'many attributes', attributes: many },
      { body: 'a big attribute', attributes: big },
      { body: 'plain', attributes: { run } },
    ]);
    expect((await exportOnce(exporter, records)).code).toBe(ExportResultCode.SUCCESS);
    const lines = await eventually(
      () => queryLoki(loki.url, `{service_name="orders-api"} | run="${run}"`, { tenant: 'limits' }),
      (found) => found.length >= 3,
    );
    const metadataOf = (line: string) => lines.find((l) => l.line === line)!.metadata;
    expect(lines.map((l) => l.line).sort()).toEqual(['a big attribute', 'many attributes', 'plain']);
    // (The SDK keeps 128 attributes of the 201; with severity_number that is still one over Loki's 128 entries.)
    const ours = Object.keys(metadataOf('many attributes')).filter((name) => name !== 'detected_level'); // Loki adds that one
    expect(ours.length).toBeLessThanOrEqual(128);
    expect(Number(metadataOf('many attributes').truncated_attributes)).toBeGreaterThanOrEqual(1);
    expect(metadataOf('a big attribute')).toMatchObject({ run, truncated_attributes: '1' });
    expect(metadataOf('a big attribute').blob).toBeUndefined();
    expect(metadataOf('plain').truncated_attributes).toBeUndefined();
  }, 60_000);

  it('retries the real 429 of a per-stream rate limit within its timeout, then reports an outage', async () => {
    const before = await pushAnswers();
    const exporter = new LokiPushExporter({ url: loki.url, tenant: 'rate-limited', timeoutMs: 3000 });
    const records = makeRecords(Array.from({ length: 20 }, (_, i) => ({ body: `${i} ${'y'.repeat(500)}` })));
    const result = await exportOnce(exporter, records);
    const after = await pushAnswers();

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(ExportFailure);
    expect((result.error as ExportFailure).unavailable).toBe(true);
    expect((after['429'] ?? 0) - (before['429'] ?? 0)).toBeGreaterThanOrEqual(2);
    expect(await discarded('per_stream_rate_limit', 'rate-limited')).toBeGreaterThan(0);
  }, 60_000);

  it('does not retry a real 400 (a line over a tenant limit lower than ours): one request, a rejection, not an outage', async () => {
    const before = await pushAnswers();
    const exporter = new LokiPushExporter({ url: loki.url, tenant: 'strict', timeoutMs: 3000 });
    const result = await exportOnce(exporter, makeRecords([{ body: 'z'.repeat(4096) }]));
    const after = await pushAnswers();

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error as ExportFailure).unavailable).toBe(false);
    expect((after['400'] ?? 0) - (before['400'] ?? 0)).toBe(1);
    expect(await discarded('line_too_long', 'strict')).toBe(1);
  }, 60_000);

  /** A push that bypasses our exporter (so nothing is cut): what Loki itself says. */
  async function rawPush(tenant: string, values: [string, Record<string, string>][]): Promise<{ status: number; text: string }> {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = {
      streams: [
        { stream: { service_name: 'raw' }, values: values.map(([line, metadata], i) => [String(now + BigInt(i)), line, metadata]) },
      ],
    };
    const response = await fetch(`${loki.url}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-scope-orgid': tenant },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  /** Loki's own count of push requests by HTTP status, from its /metrics. */
  async function pushAnswers(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const [labels, value] of metric('loki_request_duration_seconds_count', await metricsText())) {
      if (labels.route === 'loki_api_v1_push') counts[labels.status_code!] = (counts[labels.status_code!] ?? 0) + value;
    }
    return counts;
  }

  async function discarded(reason: string, tenant: string): Promise<number> {
    return metric('loki_discarded_samples_total', await metricsText())
      .filter(([labels]) => labels.reason === reason && labels.tenant === tenant)
      .reduce((sum, [, value]) => sum + value, 0);
  }

  async function metricsText(): Promise<string> {
    return (await fetch(`${loki.url}/metrics`)).text();
  }
});

/** The samples of one Prometheus metric in the text exposition format: [labels, value]. */
function metric(name: string, text: string): [Record<string, string>, number][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => {
      const [, labels = '', value = '0'] = /^[^{]+\{(.*)\}\s+(\S+)$/.exec(line) ?? [];
      return [Object.fromEntries([...labels.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!])), Number(value)];
    });
}
