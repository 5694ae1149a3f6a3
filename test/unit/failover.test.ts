import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/exporters/transport/circuit-breaker.ts';
import { DeliveryReport } from '../../src/exporters/delivery-report.ts';
import { ExportFailure } from '../../src/exporters/export-failure.ts';
import { FailoverLogExporter } from '../../src/exporters/failover.ts';
import { makeRecords } from '../helpers/log-records.ts';

describe('CircuitBreaker', () => {
  it('counts the parallel failures of one outage once', () => {
    const now = 0;
    const breaker = new CircuitBreaker({ initialBackoffMs: 1000, now: () => now });
    breaker.failure('spans: refused');
    breaker.failure('logs: refused');
    expect(breaker.state).toMatchObject({ probeInMs: 1000, reason: 'spans: refused' });
  });

  it('opens on failure, refuses during the back-off, lets one probe through, doubles the back-off on a failed probe', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ initialBackoffMs: 1000, maxBackoffMs: 3000, now: () => now });
    expect(breaker.allow()).toBe(true);
    breaker.failure('ECONNREFUSED');
    expect(breaker.allow()).toBe(false);
    expect(breaker.state).toEqual({ open: true, reason: 'ECONNREFUSED', probeInMs: 1000 });
    now = 1000;
    expect(breaker.allow()).toBe(true); // the probe
    expect(breaker.allow()).toBe(false); // only one
    breaker.failure('timeout');
    now = 2999;
    expect(breaker.allow()).toBe(false);
    now = 3000;
    expect(breaker.allow()).toBe(true);
    breaker.failure('timeout');
    expect(breaker.state.probeInMs).toBe(3000); // capped
    now = 6000;
    expect(breaker.allow()).toBe(true);
    breaker.success();
    expect(breaker.allow()).toBe(true);
    expect(breaker.state.open).toBe(false);
  });
});

type Outcome = 'ok' | 'outage' | 'rejected' | 'hang';
function fakeExporter(outcomes: Outcome[]) {
  const received: ReadableLogRecord[][] = [];
  return {
    received,
    calls: () => received.length,
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void) {
      const outcome = outcomes[Math.min(received.length, outcomes.length - 1)]!;
      received.push(records);
      if (outcome === 'hang') return;
      if (outcome === 'ok') done({ code: ExportResultCode.SUCCESS });
      else done({ code: ExportResultCode.FAILED, error: new ExportFailure(outcome, outcome === 'outage') });
    },
    shutdown: async () => {},
    forceFlush: async () => {},
  };
}

function failover(primary: ReturnType<typeof fakeExporter>, fallback?: ReturnType<typeof fakeExporter>) {
  const lines: string[] = [];
  const report = new DeliveryReport();
  const exporter = new FailoverLogExporter({
    primary: { exporter: primary, breaker: new CircuitBreaker({ initialBackoffMs: 60_000 }) },
    fallback: fallback && { exporter: fallback, breaker: new CircuitBreaker({ initialBackoffMs: 60_000 }) },
    lastResort: (line) => lines.push(line),
    report,
  });
  const send = (records = makeRecords([{ body: 'a' }, { body: 'b' }])) =>
    new Promise<ExportResult>((resolve) => exporter.export(records, resolve));
  return { exporter, lines, report, send };
}

describe('FailoverLogExporter: OTLP → Loki → stdout, each record delivered once', () => {
  it('primary delivers: nothing else is touched', async () => {
    const primary = fakeExporter(['ok']);
    const fallback = fakeExporter(['ok']);
    const { send, lines, report } = failover(primary, fallback);
    expect((await send()).code).toBe(ExportResultCode.SUCCESS);
    expect([primary.calls(), fallback.calls(), lines.length]).toEqual([1, 0, 0]);
    expect(report.take()).toBeUndefined();
  });

  it('primary down: Loki takes them; Loki down too: stdout JSON lines with the uid', async () => {
    const primary = fakeExporter(['outage']);
    const fallback = fakeExporter(['ok', 'outage']);
    const { send, lines, report } = failover(primary, fallback);
    await send();
    expect(fallback.received[0]!.map((r) => r.body)).toEqual(['a', 'b']);
    expect(report.take()).toMatchObject({ logs: { fallback: 2, stdout: 0 } });
    const records = makeRecords([{ body: 'c', attributes: { 'log.record.uid': 'uid-c' } }]);
    expect((await send(records)).code).toBe(ExportResultCode.SUCCESS);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({
        undelivered_log_record: true,
        body: 'c',
        severity_text: 'INFO',
        attributes: { 'log.record.uid': 'uid-c' },
        resource: expect.objectContaining({ 'service.name': 'orders-api' }),
        time_unix_nano: expect.stringMatching(/^\d{19}$/),
      }),
    ]);
    expect(report.take()).toMatchObject({ logs: { stdout: 1 } });
  });

  it('after an outage the breaker skips the dead primary: no wait, no call', async () => {
    const primary = fakeExporter(['outage']);
    const { send, lines } = failover(primary);
    await send();
    for (let i = 0; i < 100; i++) await send();
    expect(primary.calls()).toBe(1);
    expect(lines).toHaveLength(202);
  });

  it('a rejected batch (4xx) does not open the breaker', async () => {
    const primary = fakeExporter(['rejected', 'ok']);
    const { send } = failover(primary);
    await send();
    await send();
    expect(primary.calls()).toBe(2);
  });

  it('spill() writes what is still in flight to stdout at once; the late outcome changes nothing', async () => {
    const primary = fakeExporter(['hang']);
    const { exporter, lines, send } = failover(primary);
    const pending = send();
    await Promise.resolve();
    exporter.spill();
    expect(lines.map((l) => JSON.parse(l).body)).toEqual(['a', 'b']);
    exporter.spill();
    expect(lines).toHaveLength(2);
    void pending;
  });

  it('without a last resort, failures are reported as failures', async () => {
    const report = new DeliveryReport();
    const exporter = new FailoverLogExporter({ primary: { exporter: fakeExporter(['outage']), breaker: new CircuitBreaker() }, report });
    const result = await new Promise<ExportResult>((resolve) => exporter.export(makeRecords([{ body: 'x' }]), resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
  });
});
