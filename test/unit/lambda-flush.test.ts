import { SpanStatusCode } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { answeredTogether, delayedExporter, failingExporter, gate } from '../helpers/fake-exporters.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole, testObservability, type TestObservability } from '../helpers/observability.ts';

let observability: TestObservability;
afterEach(async () => {
  // Disposed once: a test that makes no setup of its own must not dispose the previous test's again.
  await observability?.dispose();
  observability = undefined as unknown as TestObservability;
});

describe('flush before freeze', () => {
  it('logs written during init are exported with the first flush', async () => {
    observability = testObservability();
    console.log('connecting to the database');
    expect(observability.logs()).toHaveLength(0);
    await observability.wrap(async (_event: unknown, _context: unknown) => console.log('first'))({}, lambdaContext());
    const logs = observability.logs();
    expect(logs.map((r) => r.body)).toEqual(['connecting to the database', 'first']);
    expect(logs[0]!.spanContext).toBeUndefined();
  });

  it('spans and logs are flushed in parallel: both exports are waiting before either is answered', async () => {
    const spans = new InMemorySpanExporter();
    const logs = new InMemoryLogRecordExporter();
    // Neither export is answered until both were made: one after the other, the flush would run out of
    // its budget with nothing delivered. The processors' own timers (export timeout, batch delay) are set
    // past the budget so that none of them can end the first wait or make the second export for the flush.
    const together = answeredTogether(2);
    const timers = { EXPORT_TIMEOUT: '60000', SCHEDULE_DELAY: '60000' };
    observability = testObservability(
      { spanExporter: together(spans), logExporter: together(logs) },
      Object.fromEntries(
        ['OTEL_BSP', 'OTEL_BLRP'].flatMap((prefix) => Object.entries(timers).map(([key, value]) => [`${prefix}_${key}`, value])),
      ),
    );
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => console.log('x'));
    await wrapped({}, lambdaContext());
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(logs.getFinishedLogRecords()).toHaveLength(1);
  });

  it('waits for an export the batch timer started during the invocation', async () => {
    const spans = new InMemorySpanExporter();
    const logs = new InMemoryLogRecordExporter();
    const exportStarted = gate();
    observability = testObservability(
      { spanExporter: spans, logExporter: delayedExporter(logs, 120, exportStarted.open) },
      { OTEL_BLRP_SCHEDULE_DELAY: '10' },
    );
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      console.log('early');
      await exportStarted.wait; // the batch timer fired and started a 120 ms export, during the invocation
    })({}, lambdaContext());
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['early']);
  });

  it('never waits past the flush budget when the collector never answers, and never throws', async () => {
    observability = testObservability({
      flushBudgetMs: 200,
      spanExporter: delayedExporter(new InMemorySpanExporter(), Infinity),
      logExporter: delayedExporter(new InMemoryLogRecordExporter(), Infinity),
    });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => ({ statusCode: 200 }));
    const started = performance.now();
    expect(await wrapped({}, lambdaContext())).toEqual({ statusCode: 200 });
    const took = performance.now() - started;
    // A timer never fires early, so the lower bound holds on any machine; the upper one has a 10x margin.
    expect(took).toBeGreaterThanOrEqual(195);
    expect(took).toBeLessThan(2000);
  });

  it('is bounded by the remaining time minus the margin when that is shorter than the budget', async () => {
    observability = testObservability({
      flushBudgetMs: 5000,
      flushMarginMs: 100,
      timeoutSafetyMs: 0,
      spanExporter: delayedExporter(new InMemorySpanExporter(), Infinity),
    });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 'done');
    const started = performance.now();
    expect(await wrapped({}, lambdaContext({ timeoutMs: 400 }))).toBe('done');
    const took = performance.now() - started;
    // Bound: 400 − 100 = 300 ms, far below the 5000 ms budget; 3000 keeps a 10x margin and still tells them apart.
    expect(took).toBeGreaterThanOrEqual(280);
    expect(took).toBeLessThan(3000);
  });

  it('a failing exporter never reaches the handler: result unchanged, one diagnostic line on stderr', async () => {
    const saved = { warn: console.warn, error: console.error, log: console.log };
    try {
      const { written, createLambdaObservability } = await loadWithRecordedConsole();
      const failing = createLambdaObservability({ spanExporter: failingExporter(), logExporter: failingExporter() }, LAMBDA_ENV);
      const wrapped = failing.wrap(async (_event: unknown, _context: unknown) => {
        console.log('kept');
        return 42;
      });
      expect(await wrapped({}, lambdaContext())).toBe(42);
      await failing.shutdown();
      expect(written.filter((line) => line.includes('[faas-observability]'))).toEqual([
        expect.stringMatching(/^warn: \[faas-observability\] warn .*not delivered/),
      ]);
    } finally {
      Object.assign(console, saved);
    }
  });
});

describe('timeout safety net', () => {
  it('ends the span as timed out and flushes it before the deadline, once', async () => {
    observability = testObservability({ timeoutSafetyMs: 100 });
    const release = gate();
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      console.log('about to hang');
      await release.wait;
      return 'late';
    });
    const invocation = wrapped({}, lambdaContext({ timeoutMs: 1000 }));
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(observability.spans()).toHaveLength(0); // 900 ms: 100 ms (the safety lead) before the deadline
    // The net fires at 900 ms and flushes: wait for its export, not for a time a loaded machine outlasts.
    await waitUntil(() => observability.spans().length > 0);
    const [span] = observability.spans();
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.status.message).toMatch(/timed out/);
    expect(span?.attributes['error.type']).toBe('timeout');
    expect(observability.logs().map((r) => r.body)).toEqual(['about to hang']);
    release.open();
    expect(await invocation).toBe('late');
    expect(observability.spans()).toHaveLength(1);
  });

  it('on a short deadline the net fires a tenth of the remaining time early, not timeoutSafetyMs', async () => {
    observability = testObservability({ timeoutSafetyMs: 1900 });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 'in time';
    });
    // 1900 ms before a 2 s deadline (at 100 ms) would flag this 150 ms invocation; 200 ms before (at 1800 ms,
    // 12x its length) does not.
    expect(await wrapped({}, lambdaContext({ timeoutMs: 2000 }))).toBe('in time');
    expect(observability.spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('the safety timer is cleared after a normal invocation', async () => {
    observability = testObservability({ timeoutSafetyMs: 100 });
    // The net would fire at 900 ms, long after this invocation (a 200 ms deadline let a slow flush on a
    // loaded machine meet the net legitimately); past the deadline it must not have fired.
    await observability.wrap(async (_event: unknown, _context: unknown) => 'fast')({}, lambdaContext({ timeoutMs: 1000 }));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(observability.spans()).toHaveLength(1);
    expect(observability.spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });
});

/** Polls `condition` until it holds; the test's own timeout bounds the wait. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
