import { afterEach, describe, expect, it, vi } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { splitFlushBudget } from '../../src/core/config/flush-split.ts';
import { sendWithRetries } from '../../src/exporters/transport/export-with-retries.ts';
import type { PostRequest } from '../../src/exporters/transport/transport.ts';

const BUDGETS = [1, 10, 100, 300, 500, 1000, 2000, 10_000, 900_000];
const LOKI = { loki: { url: 'http://loki:3100' } };

/**
 * How long one export chain can take at most, on a fake clock: every attempt waits (the event loop free, as
 * while a request is in flight) for 60% of what is left and asks for a retry, so `sendWithRetries` makes
 * every attempt and every back-off its timeout allows.
 */
async function worstCaseMs(timeoutMs: number): Promise<number> {
  const started = Date.now();
  const hanging = (request: PostRequest) =>
    new Promise<{ status: 'retryable'; error: Error }>((resolve) =>
      setTimeout(() => resolve({ status: 'retryable', error: new Error('503') }), Math.ceil(request.timeoutMs * 0.6)),
    );
  const sent = sendWithRetries(
    hanging,
    { url: 'http://x', body: new Uint8Array(1), headers: {}, retryableStatuses: new Set([503]) },
    timeoutMs,
  );
  await vi.runAllTimersAsync();
  await sent;
  return Date.now() - started;
}

describe('the flush budget is shared out so that every export fits in it', () => {
  afterEach(() => void vi.useRealTimers());

  it.each(BUDGETS)('budget %i ms: OTLP (retries included) then Loki fit together, for traces and for logs', async (budget) => {
    // The export deadline advances in steps of free event-loop time: a 15-minute budget is many timers.
    vi.useFakeTimers({ loopLimit: 1_000_000 });
    for (const options of [
      {},
      LOKI,
      { ...LOKI, exportTimeoutMs: 900_000 },
      { exportTimeoutMs: 900_000 },
      { ...LOKI, exportTimeoutMs: 5 },
    ]) {
      const config = resolveConfig({ ...options, flushBudgetMs: budget }, {});
      expect(config.traces.timeoutMs + config.logs.timeoutMs).toBeGreaterThan(0);
      expect(await worstCaseMs(config.traces.timeoutMs)).toBeLessThanOrEqual(budget);
      const logsChain = (await worstCaseMs(config.logs.timeoutMs)) + (config.loki ? await worstCaseMs(config.loki.timeoutMs) : 0);
      expect(logsChain).toBeLessThanOrEqual(budget);
      expect(config.traces.timeoutMs).toBeLessThanOrEqual(budget);
      expect(config.logs.timeoutMs + (config.loki?.timeoutMs ?? 0)).toBeLessThanOrEqual(budget);
    }
  });

  it('the documented split: 300 ms with Loki is 135 + 135 ms, the options example (500 ms) 225 + 225 ms', () => {
    expect(resolveConfig({ ...LOKI, flushBudgetMs: 300 }, {})).toMatchObject({ logs: { timeoutMs: 135 }, loki: { timeoutMs: 135 } });
    expect(resolveConfig({ ...LOKI, flushBudgetMs: 500 }, {})).toMatchObject({
      traces: { timeoutMs: 450 },
      logs: { timeoutMs: 225 },
      loki: { timeoutMs: 225 },
    });
    expect(resolveConfig({ flushBudgetMs: 500 }, {})).toMatchObject({
      traces: { timeoutMs: 450 },
      logs: { timeoutMs: 450 },
      loki: undefined,
    });
  });

  it('a shorter requested timeout is used as given; with Loki, Loki gets the rest', () => {
    const config = resolveConfig({ ...LOKI, exportTimeoutMs: 200 }, {});
    expect(config).toMatchObject({ traces: { timeoutMs: 200 }, logs: { timeoutMs: 200 }, loki: { timeoutMs: 750 } });
    expect(config.warnings).toEqual([]);
    const perSignal = resolveConfig({}, { OTEL_EXPORTER_OTLP_TIMEOUT: '300', OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: '100' });
    expect(perSignal).toMatchObject({ traces: { timeoutMs: 300 }, logs: { timeoutMs: 100 } });
  });

  it('a requested timeout that does not fit is cut to its share, with one warning naming its key', () => {
    const config = resolveConfig({ ...LOKI, exportTimeoutMs: 5000 }, {});
    expect(config).toMatchObject({ traces: { timeoutMs: 950 }, logs: { timeoutMs: 475 }, loki: { timeoutMs: 475 } });
    expect(config.warnings).toEqual([
      'option exportTimeoutMs=5000 does not fit in the flush budget of 1000 ms (50 ms reserved; with Loki, OTLP logs get half of it); using 950 ms for traces, 475 ms for logs, 950 ms for metrics',
    ]);
  });

  it('the split alone: the reserve is a tenth of the budget, at most 50 ms', () => {
    const none = { traces: undefined, logs: undefined };
    expect(splitFlushBudget(100, none, false, () => {})).toEqual({
      tracesMs: 90,
      logsMs: 90,
      metricsMs: 90,
      lokiMs: undefined,
      reserveMs: 10,
    });
    expect(splitFlushBudget(1000, none, true, () => {})).toEqual({
      tracesMs: 950,
      logsMs: 475,
      metricsMs: 950,
      lokiMs: 475,
      reserveMs: 50,
    });
  });
});

describe('one warning per bad value', () => {
  it.each([
    [{ exportTimeoutMs: -5 }, {}, 'option exportTimeoutMs=-5 is below the minimum 1; ignoring it'],
    [{ compression: 'brotli' as never }, {}, 'option compression="brotli" is not one of gzip, none; ignoring it'],
    [
      {},
      { OTEL_EXPORTER_OTLP_TIMEOUT: 'soon' },
      'OTEL_EXPORTER_OTLP_TIMEOUT="soon" is not a number; ignoring it (the timeout is a share of the flush budget)',
    ],
    [
      { flushBudgetMs: 100 },
      { OTEL_EXPORTER_OTLP_TIMEOUT: '5000' },
      'OTEL_EXPORTER_OTLP_TIMEOUT=5000 does not fit in the flush budget of 100 ms (10 ms reserved); using 90 ms for traces, 90 ms for logs, 90 ms for metrics',
    ],
  ])('%o %o: %s', (options, env, message) => {
    expect(resolveConfig(options, env).warnings).toEqual([message]);
  });
});
