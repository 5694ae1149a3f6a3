import { trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { delayedExporter, gate } from '../helpers/fake-exporters.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

let observability: TestObservability;
afterEach(async () => {
  // Disposed once: a test that makes no setup of its own must not dispose the previous test's again.
  await observability?.dispose();
  observability = undefined as unknown as TestObservability;
});

describe('overlapping invocations (Lambda Managed Instances)', () => {
  it('each invocation logs with its own trace id, and each flush waits for its own records', async () => {
    observability = testObservability();
    const aMayFinish = gate();
    const bStarted = gate();
    const wrapped = observability.wrap(async (event: { id: string; wait?: Promise<void> }, _context: unknown) => {
      console.log(`start ${event.id}`);
      if (event.id === 'b') bStarted.open();
      if (event.wait) await event.wait;
      await Promise.resolve();
      console.log(`end ${event.id}`);
      return event.id;
    });
    const a = wrapped({ id: 'a', wait: bStarted.wait.then(() => aMayFinish.wait) }, lambdaContext());
    const b = wrapped({ id: 'b', wait: new Promise<void>((resolve) => setTimeout(resolve, 50)) }, lambdaContext());
    aMayFinish.open();
    expect(await a).toBe('a');
    // a has settled: its span and both its logs are already exported, while b is still running.
    const spanA = observability.spans().find((s) => s.attributes['faas.coldstart'] === true)!;
    const logsA = observability.logs().filter((r) => String(r.body).endsWith(' a'));
    expect(logsA.map((r) => r.body)).toEqual(['start a', 'end a']);
    expect(await b).toBe('b');
    const spans = observability.spans();
    expect(spans).toHaveLength(2);
    for (const record of observability.logs()) {
      const id = String(record.body).split(' ')[1];
      const own = id === 'a' ? spanA : spans.find((s) => s !== spanA)!;
      expect(record.spanContext?.traceId).toBe(own.spanContext().traceId);
      expect(record.spanContext?.spanId).toBe(own.spanContext().spanId);
    }
    expect(spans[0]!.spanContext().traceId).not.toBe(spans[1]!.spanContext().traceId);
  });

  it('user spans nest under the invocation span through the global API', async () => {
    observability = testObservability();
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      trace.getTracer('user').startActiveSpan('db.query', (span) => span.end());
    })({}, lambdaContext());
    const [child, parent] = observability.spans();
    expect(child!.name).toBe('db.query');
    expect(child!.parentSpanContext?.spanId).toBe(parent!.spanContext().spanId);
  });
});

describe('overlapping flushes', () => {
  it('a flush that overlaps another still exports its own records before its invocation settles', async () => {
    const logs = new InMemoryLogRecordExporter();
    const aExportStarted = gate();
    observability = testObservability({ logExporter: delayedExporter(logs, 100, aExportStarted.open) });
    const bMayLog = gate();
    const wrapped = observability.wrap(async (event: { id: string }, _context: unknown) => {
      if (event.id === 'b') await bMayLog.wait;
      console.log(`log of ${event.id}`);
      return event.id;
    });
    const a = wrapped({ id: 'a' }, lambdaContext());
    const b = wrapped({ id: 'b' }, lambdaContext());
    // Once a's flush has started its 100 ms export, b logs and flushes while a's flush runs.
    await aExportStarted.wait;
    bMayLog.open();
    expect(await b).toBe('b');
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toContain('log of b');
    expect(await a).toBe('a');
  });
});
