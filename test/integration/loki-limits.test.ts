import { ExportResultCode } from '@opentelemetry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExportFailure } from '../../src/exporters/export-failure.ts';
import { LokiPushExporter } from '../../src/exporters/index.ts';
import { DEFAULT_LOKI_LIMITS } from '../../src/exporters/loki/loki-streams.ts';
import { exportOnce, makeRecords } from '../helpers/log-records.ts';
import { LOKI_DEFAULT_VALIDATION, startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';

// What only a real Loki does, which the independent store of the end-to-end tests (VictoriaLogs) does not:
// Loki's validation limits and its rate limit. Grafana Loki is AGPL and never runs here, so the loopback
// stand-in answers as Loki's documentation says it does:
// - limits_config (max_line_size 256KB, max_structured_metadata_size 64KB, max_structured_metadata_entries_count
//   128): https://grafana.com/docs/loki/latest/configure/#limits_config
// - an entry over a limit is discarded with 400 (reasons line_too_long, structured metadata too large / too
//   many), the rest of the push is kept; a stream over its rate limit gets 429:
//   https://grafana.com/docs/loki/latest/operations/request-validation-rate-limits/

describe("LokiPushExporter against Loki's documented validation and rate limits", () => {
  let loki: LokiReceiver;
  afterEach(() => loki.close());

  describe("Loki's default limits", () => {
    beforeEach(async () => {
      loki = await startLokiReceiver({ validation: LOKI_DEFAULT_VALIDATION });
    });

    it('a line over max_line_size, pushed uncut, is refused; through the exporter it is cut to fit and kept', async () => {
      const huge = 'x'.repeat(300 * 1024);
      const raw = await rawPush(loki.url, [[huge, {}]]);
      expect(raw.status).toBe(400);
      expect(raw.text).toMatch(/max entry size '262144' bytes exceeded/);
      expect(loki.discarded).toEqual({ line_too_long: 1 });

      const exporter = new LokiPushExporter({ url: loki.url, format: 'protobuf', timeoutMs: 5000 });
      const result = await exportOnce(exporter, makeRecords([{ body: 'before' }, { body: huge }, { body: 'after' }]));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(loki.discarded).toEqual({ line_too_long: 1 }); // still only the raw push's
      const cut = loki.entries.find((entry) => entry.line.startsWith('x'))!.line;
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(256 * 1024);
      expect(Buffer.byteLength(cut)).toBeGreaterThan(255 * 1024);
      expect(cut).toMatch(/…\[truncated\]$/);
      expect(loki.entries.map((entry) => entry.line.slice(0, 6))).toEqual(['before', 'xxxxxx', 'after']);
    });

    it('structured metadata over the count and size limits, pushed as is, is refused; through the exporter it is cut and kept', async () => {
      const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, `v${i}`]));
      const big = { blob: 'b'.repeat(70 * 1024) };
      const tooMany = await rawPush(loki.url, [['many attributes', many]]);
      const tooBig = await rawPush(loki.url, [['a big attribute', big]]);
      expect(tooMany.status).toBe(400);
      expect(tooMany.text).toMatch(/too many structured metadata labels: '200', limit: '128'/);
      expect(tooBig.status).toBe(400);
      expect(tooBig.text).toMatch(/structured metadata too large/);

      for (const format of ['json', 'json-gzip', 'protobuf'] as const) {
        const exporter = new LokiPushExporter({ url: loki.url, format, timeoutMs: 5000 });
        const records = makeRecords([
          { body: 'many attributes', attributes: many },
          { body: 'a big attribute', attributes: big },
        ]);
        expect((await exportOnce(exporter, records)).code, format).toBe(ExportResultCode.SUCCESS);
      }
      expect(loki.entries).toHaveLength(6);
      expect(loki.discarded).toEqual({ structured_metadata_too_many: 1, structured_metadata_too_large: 1 });
    });

    it('a partly invalid push: Loki keeps the valid entries and answers 400; the exporter reports a rejection once, no resend', async () => {
      // A producer whose limits are higher than Loki's (a tenant with a raised limit on the exporter's side only).
      const exporter = new LokiPushExporter({
        url: loki.url,
        timeoutMs: 3000,
        limits: { ...DEFAULT_LOKI_LIMITS, maxLineBytes: 512 * 1024 },
      });
      const result = await exportOnce(exporter, makeRecords([{ body: 'kept' }, { body: 'y'.repeat(300 * 1024) }]));
      expect(result.code).toBe(ExportResultCode.FAILED);
      expect((result.error as ExportFailure).unavailable).toBe(false);
      expect(loki.discarded).toEqual({ line_too_long: 1 });
      expect(loki.entries.map((entry) => entry.line)).toEqual(['kept']);
      expect(loki.requests).toHaveLength(1);
    });
  });

  it("a tenant's lower max_line_size: one request, a 400 rejection, not an outage", async () => {
    loki = await startLokiReceiver({ validation: { ...LOKI_DEFAULT_VALIDATION, maxLineSize: 1024 } });
    const exporter = new LokiPushExporter({ url: loki.url, tenant: 'strict', timeoutMs: 3000 });
    const result = await exportOnce(exporter, makeRecords([{ body: 'z'.repeat(4096) }]));

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error as ExportFailure).unavailable).toBe(false);
    expect(loki.requests).toHaveLength(1);
    expect(loki.discarded).toEqual({ line_too_long: 1 });
  });

  it("a stream over its rate limit (429 with Retry-After): retried within the exporter's timeout, then an outage", async () => {
    // Loki answers 429 "Per stream rate limit exceeded" for as long as the stream stays over its rate.
    loki = await startLokiReceiver();
    loki.behave({ status: 429, headers: { 'retry-after': '0' } });
    const exporter = new LokiPushExporter({ url: loki.url, tenant: 'rate-limited', timeoutMs: 3000 });
    const result = await exportOnce(exporter, makeRecords(Array.from({ length: 20 }, (_, i) => ({ body: `${i} ${'y'.repeat(500)}` }))));

    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(ExportFailure);
    expect((result.error as ExportFailure).unavailable).toBe(true);
    expect(loki.requests.length).toBeGreaterThanOrEqual(2);
    expect(loki.entries).toEqual([]);
  });
});

/** A push that bypasses the exporter (so nothing is cut): what Loki's validation says of it. */
async function rawPush(url: string, values: [string, Record<string, string>][]): Promise<{ status: number; text: string }> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const body = {
    streams: [{ stream: { service_name: 'raw' }, values: values.map(([line, metadata], i) => [String(now + BigInt(i)), line, metadata]) }],
  };
  const response = await fetch(`${url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}
