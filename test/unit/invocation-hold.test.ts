import { SeverityNumber } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { SamplingConfig } from '../../src/core/config/resolved-config.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { InvocationHold, type HoldOutcome, type HoldSink } from '../../src/core/sampling/invocation-hold.ts';
import type { ExportQueue } from '../../src/exporters/export-queue.ts';
import { MemoryBudget } from '../../src/exporters/memory-budget.ts';

const RULES: SamplingConfig = {
  keepFailed: true,
  keepSeverity: SeverityNumber.ERROR,
  keepSlowerThanMs: 1000,
  exportSeverity: SeverityNumber.INFO,
};
const OK: HoldOutcome = { headSampled: false, failed: false, timedOut: false, durationMs: 10 };

function sink(limitBytes = 1024 * 1024) {
  const spans: ReadableSpan[] = [];
  const logs: ReadableLogRecord[] = [];
  const budget = new MemoryBudget(limitBytes);
  const queue = <T>(into: T[]) => ({ add: (item: T) => void into.push(item) }) as unknown as ExportQueue<T>;
  const target: HoldSink = { spans: queue(spans), logs: queue(logs), budget };
  return { target, spans, logs, budget };
}

let time = 0;
const log = (body: string, severityNumber: SeverityNumber) =>
  ({ body, severityNumber, hrTime: [1, time++], attributes: {} }) as unknown as ReadableLogRecord;
const span = (name: string) => ({ name, attributes: {}, events: [], links: [] }) as unknown as ReadableSpan;

function held(rules = RULES, limitBytes?: number) {
  const s = sink(limitBytes);
  const hold = new InvocationHold(rules, s.target, (limitBytes ?? 1024 * 1024) / 8);
  hold.addSpan(span('child'));
  hold.addLog(log('debug line', SeverityNumber.DEBUG));
  hold.addLog(log('info line', SeverityNumber.INFO));
  return { hold, ...s };
}

describe('InvocationHold: everything or nothing, decided by the outcome', () => {
  it.each([
    ['an ordinary invocation', OK, 'drop', []],
    ['a head-sampled one', { ...OK, headSampled: true }, 'keep', ['info line']],
    ['a failed one', { ...OK, failed: true }, 'keep', ['debug line', 'info line']],
    ['a timed-out one', { ...OK, timedOut: true }, 'keep', ['debug line', 'info line']],
    ['a slow one', { ...OK, durationMs: 1500 }, 'keep', ['info line']],
  ] as const)('%s: %s', (_name, outcome, decision, bodies) => {
    const { hold, spans, logs, budget } = held();
    expect(hold.decide(outcome)).toBe(decision);
    expect(logs.map((l) => l.body)).toEqual(bodies);
    expect(spans).toHaveLength(decision === 'keep' ? 1 : 0);
    // What the hold reserved of the cap is given back either way (the queues take their own share).
    expect(budget.heldBytes).toBe(0);
  });

  it('an error logged, or keepInvocation(), keeps it without the debug lines', () => {
    const logged = held();
    logged.hold.addLog(log('error line', SeverityNumber.ERROR));
    expect(logged.hold.decide(OK)).toBe('keep');
    expect(logged.logs.map((l) => l.body)).toEqual(['info line', 'error line']);
    const asked = held();
    asked.hold.keep();
    expect(asked.hold.decide(OK)).toBe('keep');
    expect(asked.logs.map((l) => l.body)).toEqual(['info line']);
  });

  it('what comes after the decision follows it; the first decision stands', () => {
    const kept = held();
    kept.hold.decide({ ...OK, failed: true });
    kept.hold.addLog(log('late debug', SeverityNumber.DEBUG));
    kept.hold.addSpan(span('late span'));
    expect(kept.hold.decide(OK)).toBe('keep');
    expect(kept.logs.map((l) => l.body)).toEqual(['debug line', 'info line', 'late debug']);
    expect(kept.spans).toHaveLength(2);
    const dropped = held();
    dropped.hold.decide(OK);
    dropped.hold.addLog(log('late error', SeverityNumber.ERROR));
    expect(dropped.logs).toEqual([]);
  });

  it('past its share of the cap it is kept early, debug lines included, and nothing is lost', () => {
    const { hold, logs, spans } = held(RULES, 8 * 1024); // a share of 1 KiB: a couple of records
    for (let i = 0; i < 20; i++) hold.addLog(log(`line ${i}`, SeverityNumber.INFO));
    expect(hold.decision).toBe('keep');
    expect(logs).toHaveLength(22);
    expect(spans).toHaveLength(1);
    expect(hold.decide(OK)).toBe('keep');
  });

  it('keepFailed: false lets failures go like the rest', () => {
    const { hold, logs } = held({ ...RULES, keepFailed: false });
    expect(hold.decide({ ...OK, failed: true })).toBe('drop');
    expect(logs).toEqual([]);
  });
});

describe('the sampling configuration', () => {
  it('is off by default, and every rule has its variable', () => {
    expect(resolveConfig({}, {}).sampling).toBeUndefined();
    expect(
      resolveConfig(
        {},
        {
          FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true',
          FAAS_OBSERVABILITY_KEEP_FAILED: 'false',
          FAAS_OBSERVABILITY_KEEP_LOG_LEVEL: 'warn',
          FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS: '250',
          FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL: 'info',
        },
      ).sampling,
    ).toEqual({ keepFailed: false, keepSeverity: SeverityNumber.WARN, keepSlowerThanMs: 250, exportSeverity: SeverityNumber.INFO });
  });

  it('options win; bad values are reported and left out', () => {
    const config = resolveConfig(
      { sampling: { tail: true, keepFailed: true, keepLogLevel: 'off', keepSlowerThanMs: -5, exportLogLevel: 'loud' as never } },
      { FAAS_OBSERVABILITY_KEEP_LOG_LEVEL: 'debug', FAAS_OBSERVABILITY_KEEP_FAILED: 'false' },
    );
    expect(config.sampling).toEqual({ keepFailed: true, keepSeverity: undefined, keepSlowerThanMs: undefined, exportSeverity: undefined });
    expect(config.warnings.join('\n')).toMatch(/sampling\.keepSlowerThanMs=-5/);
    expect(config.warnings.join('\n')).toMatch(/sampling\.exportLogLevel="loud"/);
  });
});
