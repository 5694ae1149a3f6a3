import { SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, withObservability } from '../../src/lambda.ts';
import { STREAMING_HIGH_WATER_MARK_SYMBOL, STREAMING_SYMBOL } from '../../src/lambda/lambda-types.ts';
import { answeredTogether, delayedExporter, failingExporter, gate } from '../helpers/fake-exporters.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole, testObservability, type TestObservability } from '../helpers/observability.ts';

let observability: TestObservability;
afterEach(async () => {
  // Disposed once: a test that makes no setup of its own must not dispose the previous test's again.
  await observability?.dispose();
  observability = undefined as unknown as TestObservability;
});

describe('handler shapes', () => {
  it('async: returns the result unchanged and does not touch the user handler', async () => {
    observability = testObservability();
    const result = { statusCode: 200, body: 'ok' };
    const handler = async (_event: unknown, _context: unknown) => result;
    const wrapped = observability.wrap(handler);
    expect(wrapped).not.toBe(handler);
    expect(await wrapped({}, lambdaContext())).toBe(result);
    expect(Object.getOwnPropertySymbols(handler)).toEqual([]);
    expect(wrapped.length).toBe(2);
  });

  it('errors: recorded as exception event + status ERROR, re-thrown unchanged, flushed first', async () => {
    observability = testObservability();
    const error = new TypeError('card declined');
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      console.error('charging');
      throw error;
    });
    await expect(wrapped({}, lambdaContext())).rejects.toBe(error);
    const [span] = observability.spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'card declined' });
    expect(span!.attributes['error.type']).toBe('TypeError');
    expect(span!.events[0]).toMatchObject({
      name: 'exception',
      attributes: { 'exception.type': 'TypeError', 'exception.message': 'card declined' },
    });
    expect(observability.logs().map((r) => r.body)).toEqual(['charging']);
  });

  it('non-Error rejections pass through unchanged too', async () => {
    observability = testObservability();
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      throw 'plain string';
    });
    await expect(wrapped({}, lambdaContext())).rejects.toBe('plain string');
    expect(observability.spans()[0]!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('callback-style: resolves with the callback result and rejects with its error, as a 2-argument async handler', async () => {
    observability = testObservability();
    const ok = observability.wrap((event: { n: number }, _context: unknown, callback: (e: unknown, r?: unknown) => void) => {
      setTimeout(() => callback(null, { doubled: event.n * 2 }), 5);
    });
    expect(ok.length).toBe(2);
    // Lambda calls it with (event, context, callback); the wrapper ignores the runtime's callback.
    const call = (handler: unknown, event: unknown) => (handler as (e: unknown, c: unknown) => Promise<unknown>)(event, lambdaContext());
    expect(await call(ok, { n: 21 })).toEqual({ doubled: 42 });
    const failing = observability.wrap((_event: unknown, _context: unknown, callback: (e: unknown) => void) => callback('Unhandled'));
    await expect(call(failing, {})).rejects.toBe('Unhandled');
    expect(observability.spans().map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.ERROR]);
  });

  it('streaming: keeps the streaming symbols, passes (event, responseStream, context), flushes after the stream ends', async () => {
    observability = testObservability();
    const chunks: string[] = [];
    const stream = { write: (chunk: string) => chunks.push(chunk), end: () => chunks.push('<end>') };
    const streaming = Object.assign(
      async (_event: unknown, responseStream: typeof stream, context: { awsRequestId: string }) => {
        responseStream.write(`hello ${context.awsRequestId}`);
        console.log('streamed');
        responseStream.end();
      },
      { [STREAMING_SYMBOL]: 'response', [STREAMING_HIGH_WATER_MARK_SYMBOL]: 1024 },
    );
    const wrapped = observability.wrap(streaming);
    expect((wrapped as any)[STREAMING_SYMBOL]).toBe('response');
    expect((wrapped as any)[STREAMING_HIGH_WATER_MARK_SYMBOL]).toBe(1024);
    const context = lambdaContext();
    await wrapped({}, stream, context);
    expect(chunks).toEqual([`hello ${context.awsRequestId}`, '<end>']);
    expect(observability.spans()[0]!.attributes['faas.invocation_id']).toBe(context.awsRequestId);
    expect(observability.logs()[0]!.spanContext?.spanId).toBe(observability.spans()[0]!.spanContext().spanId);
  });

  it('streamifyResponse applied around the wrapper still finds the context in third position', async () => {
    observability = testObservability();
    const wrapped = observability.wrap(async (_event: unknown, stream: { end(): void }, _context: unknown) => stream.end());
    const context = lambdaContext();
    await wrapped({}, { end() {} }, context);
    expect(observability.spans()[0]!.attributes['faas.invocation_id']).toBe(context.awsRequestId);
  });

  it('rejects a non-function with a clear TypeError', () => {
    observability = testObservability();
    expect(() => observability.wrap(undefined as never)).toThrow('withObservability expects a handler function, got undefined');
  });
});

describe('cold start', () => {
  it('is true exactly once per setup, false afterwards', async () => {
    observability = testObservability();
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 'ok');
    for (let i = 0; i < 3; i++) await wrapped({}, lambdaContext());
    expect(observability.spans().map((s) => s.attributes['faas.coldstart'])).toEqual([true, false, false]);
  });

  it('is false for provisioned concurrency', async () => {
    observability = testObservability({}, { AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' });
    await observability.wrap(async (_event: unknown, _context: unknown) => 'ok')({}, lambdaContext());
    expect(observability.spans()[0]!.attributes['faas.coldstart']).toBe(false);
  });
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
    observability = testObservability({ spanExporter: spans, logExporter: delayedExporter(logs, 120) }, { OTEL_BLRP_SCHEDULE_DELAY: '10' });
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      console.log('early');
      await new Promise((resolve) => setTimeout(resolve, 40)); // the timer fires and starts a 120 ms export
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
    await new Promise((resolve) => setTimeout(resolve, 250));
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
    observability = testObservability({ timeoutSafetyMs: 500 });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return 'in time';
    });
    // 500 ms before a 1 s deadline would flag this 300 ms invocation; 100 ms before does not.
    expect(await wrapped({}, lambdaContext({ timeoutMs: 1000 }))).toBe('in time');
    expect(observability.spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('the safety timer is cleared after a normal invocation', async () => {
    observability = testObservability({ timeoutSafetyMs: 100 });
    await observability.wrap(async (_event: unknown, _context: unknown) => 'fast')({}, lambdaContext({ timeoutMs: 200 }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(observability.spans()).toHaveLength(1);
    expect(observability.spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
  });
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
    observability = testObservability({ logExporter: delayedExporter(logs, 100) });
    const bMayLog = gate();
    const wrapped = observability.wrap(async (event: { id: string }, _context: unknown) => {
      if (event.id === 'b') await bMayLog.wait;
      console.log(`log of ${event.id}`);
      return event.id;
    });
    const a = wrapped({ id: 'a' }, lambdaContext());
    const b = wrapped({ id: 'b' }, lambdaContext());
    // Let a's flush start (its 100 ms export in flight), then b logs and flushes while a's flush runs.
    await new Promise((resolve) => setTimeout(resolve, 20));
    bMayLog.open();
    expect(await b).toBe('b');
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toContain('log of b');
    expect(await a).toBe('a');
  });
});

describe('X-Ray parent (opt-in)', () => {
  const header = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';
  afterEach(() => {
    delete process.env._X_AMZN_TRACE_ID;
  });

  it('is ignored by default', async () => {
    process.env._X_AMZN_TRACE_ID = header;
    observability = testObservability();
    await observability.wrap(async (_event: unknown, _context: unknown) => 1)({}, lambdaContext());
    expect(observability.spans()[0]!.spanContext().traceId).not.toBe('5759e988bd862e3fe1be46a994272793');
  });

  it('becomes the parent when opted in and the event has no W3C context', async () => {
    process.env._X_AMZN_TRACE_ID = header;
    observability = testObservability({ xray: true });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 1);
    await wrapped({}, lambdaContext());
    await wrapped(loadEvent('api-gateway-v2'), lambdaContext());
    const [fromXray, fromHeaders] = observability.spans();
    expect(fromXray!.spanContext().traceId).toBe('5759e988bd862e3fe1be46a994272793');
    expect(fromXray!.parentSpanContext?.spanId).toBe('53995c3f42cd8ad8');
    expect(fromHeaders!.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
  });
});

describe('disabled and shared setups', () => {
  it('OTEL_SDK_DISABLED=true: a pass-through handler, console untouched', async () => {
    const before = console.log;
    const observability = createLambdaObservability({}, { ...LAMBDA_ENV, OTEL_SDK_DISABLED: 'true' });
    const handler = Object.assign(async (event: number, _context: unknown) => event + 1, { [STREAMING_SYMBOL]: 'response' });
    const wrapped = observability.wrap(handler);
    expect(observability.telemetry).toBeUndefined();
    expect(console.log).toBe(before);
    expect(await wrapped(1, lambdaContext())).toBe(2);
    expect((wrapped as any)[STREAMING_SYMBOL]).toBe('response');
  });

  it('withObservability shares one setup per process', async () => {
    const spans = new InMemorySpanExporter();
    const first = withObservability(async (_event: unknown, _context: unknown) => 'a', {
      spanExporter: spans,
      logExporter: new InMemoryLogRecordExporter(),
    });
    const second = withObservability(async (_event: unknown, _context: unknown) => 'b', { spanExporter: new InMemorySpanExporter() });
    await first({}, lambdaContext());
    await second({}, lambdaContext());
    expect(spans.getFinishedSpans().map((s) => s.attributes['faas.coldstart'])).toEqual([true, false]);
  });
});
