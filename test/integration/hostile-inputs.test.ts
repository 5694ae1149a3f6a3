import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaObservability, forEachRecord, type LambdaObservability } from '../../src/lambda.ts';
import type { LambdaContext } from '../../src/lambda/lambda-types.ts';
import { CONSOLE_METHODS } from '../../src/core/console-originals.ts';
import { HOSTILE_CONSOLE_CALLS } from '../fixtures/hostile/console-args.ts';
import { HOSTILE_EVENTS } from '../fixtures/hostile/events.ts';
import { HOSTILE_THROWS } from '../fixtures/hostile/thrown.ts';
import { HOSTILE_TRACE_HEADERS, HOSTILE_TRACE_ID } from '../fixtures/hostile/trace-headers.ts';
import { EVERY_TRAP_THROWS, throwing } from '../fixtures/hostile/values.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';

// The suite's hostile inputs (test/fixtures/hostile) through the wrapper on Lambda, in process, exported to
// the loopback OTLP receiver. Invariants: the handler's own result or error unchanged, a span exported for
// every invocation, no record under the wrong trace, no prototype pollution, a bad trace header a new trace.

let receiver: OtlpReceiver;
let observability: LambdaObservability;
const saved = new Map<string, unknown>();
const slot = console as unknown as Record<string, unknown>;
const BODY_LIMIT = 16 * 1024;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // The lines go nowhere (the bridge keeps these as its originals): these tests look at the receiver.
  for (const method of CONSOLE_METHODS) {
    saved.set(method, slot[method]);
    slot[method] = () => {};
  }
  observability = createLambdaObservability({}, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
});

afterAll(async () => {
  await observability?.shutdown();
  for (const [method, fn] of saved) slot[method] = fn;
  await receiver?.close();
});

type Outcome = { result: unknown; error?: undefined; threw: false } | { result?: undefined; error: unknown; threw: true };

async function invoke(event: unknown, handler: (event: unknown) => unknown, context: LambdaContext = lambdaContext()) {
  const wrapped = observability.wrap(async (e: unknown, _context: unknown) => handler(e));
  const outcome: Outcome = await wrapped(event, context).then(
    (result) => ({ result, threw: false as const }),
    (error: unknown) => ({ error, threw: true as const }),
  );
  return { outcome, span: spanOf(context) };
}

function spanOf(context: LambdaContext): ReceivedSpan | undefined {
  return receiver.spans.find((s) => s.attributes['faas.invocation_id'] === context.awsRequestId);
}

function expectNoPollution(): void {
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

describe('malformed trace headers start a new trace', () => {
  it.each(HOSTILE_TRACE_HEADERS)('$name', async ({ value }) => {
    const event = { ...loadEvent('api-gateway-v2'), headers: { host: 'api.test', traceparent: value, tracestate: 'k=v' } };
    const { outcome, span } = await invoke(event, () => {
      console.log('in a trace header case');
      return { statusCode: 204 };
    });
    expect(outcome).toEqual({ result: { statusCode: 204 }, threw: false });
    expect(span).toBeDefined();
    expect(span!.parentSpanId).toBe('');
    expect(span!.traceId).not.toBe(HOSTILE_TRACE_ID);
    expect(span!.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
  });
});

describe('hostile events: the handler runs with the very event, and the invocation has its span', () => {
  it.each(HOSTILE_EVENTS)('$name', async ({ make }) => {
    const event = make();
    let received: unknown = 'not called';
    const { outcome, span } = await invoke(event, (e) => {
      received = e;
      console.log('in a hostile event case');
      return 'handled';
    });
    expect(outcome).toEqual({ result: 'handled', threw: false });
    expect(Object.is(received, event)).toBe(true);
    expect(span).toBeDefined();
    expectNoPollution();
  });
});

describe('what a handler throws is rethrown unchanged, and the span is exported with status ERROR', () => {
  it.each(HOSTILE_THROWS)('$name', async ({ make }) => {
    const thrown = make();
    const { outcome, span } = await invoke(loadEvent('api-gateway-v2'), () => {
      throw thrown;
    });
    expect(outcome.threw).toBe(true);
    expect(Object.is(outcome.error, thrown)).toBe(true);
    expect(span?.status.code).toBe(2);
    expect(span?.events.filter((e) => e.name === 'exception')).toHaveLength(1);
  });
});

describe('forEachRecord: a record throwing something unprintable fails that record only', () => {
  const sqs = () => {
    const base = loadEvent('sqs').Records[0];
    return {
      Records: [0, 1, 2].map((i) => ({
        ...base,
        messageId: `m${i}`,
        messageAttributes: {},
        eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:q',
      })),
    };
  };
  it.each(HOSTILE_THROWS)('$name', async ({ make }) => {
    const seen: number[] = [];
    const { outcome, span } = await invoke(sqs(), (event) =>
      forEachRecord(event, (_record, index) => {
        seen.push(index);
        if (index === 1) throw make();
      }),
    );
    expect(seen).toEqual([0, 1, 2]);
    expect(outcome).toEqual({ result: { batchItemFailures: [{ itemIdentifier: 'm1' }] }, threw: false });
    const records = receiver.spans.filter((s) => s.parentSpanId === span!.spanId);
    expect(records.map((s) => s.status.code)).toEqual([0, 2, 0]);
  });
});

describe('hostile console arguments: the call returns, and its record stays within the body limit', () => {
  it.each(HOSTILE_CONSOLE_CALLS)('$name', async ({ args }) => {
    const { outcome, span } = await invoke(loadEvent('api-gateway-v2'), () => {
      console.log(...args());
      return 'logged';
    });
    expect(outcome).toEqual({ result: 'logged', threw: false });
    // A record in the invocation's span is exported without faas.invocation_id (its span has it).
    const logs = receiver.logs.filter((l) => l.spanId === span!.spanId);
    expect(logs).toHaveLength(1);
    expect(logs[0]!.traceId).toBe(span!.traceId);
    expect(String(logs[0]!.body).length).toBeLessThanOrEqual(BODY_LIMIT + 100);
    for (const value of Object.values(logs[0]!.attributes)) {
      const items = Array.isArray(value) ? (value as unknown[]) : [value];
      expect(items.length).toBeLessThanOrEqual(100);
      for (const item of items) expect(String(item).length).toBeLessThanOrEqual(4 * 4096 + 20);
    }
    expectNoPollution();
  });
});

describe('handler outcomes and hostile contexts', () => {
  it('a result whose statusCode getter throws is returned unchanged', async () => {
    const result = Object.defineProperty({}, 'statusCode', { get: throwing, enumerable: true });
    const { outcome, span } = await invoke(loadEvent('api-gateway-v2'), () => result);
    expect(Object.is(outcome.result, result)).toBe(true);
    expect(span).toBeDefined();
  });

  it('an event whose every read throws gets a generic span, named after the function', async () => {
    const event = new Proxy({}, EVERY_TRAP_THROWS);
    const { outcome, span } = await invoke(event, () => 'ran');
    expect(outcome).toEqual({ result: 'ran', threw: false });
    expect(span).toMatchObject({ name: 'orders-api', kind: 2, attributes: { 'faas.trigger': 'other' } });
  });

  it('a throwing getRemainingTimeInMillis: the handler runs, the span is exported', async () => {
    const context = { ...lambdaContext(), getRemainingTimeInMillis: throwing };
    const { outcome, span } = await invoke(loadEvent('api-gateway-v2'), () => 'ran', context);
    expect(outcome).toEqual({ result: 'ran', threw: false });
    expect(span).toBeDefined();
  });

  it('a remaining time past 2^31 - 1 ms does not end a healthy span as timed out', async () => {
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => 2 ** 31 + 60_000 };
    // The handler outlives a timer that overflowed to 1 ms (timers of 1 ms fire before ones of 20 ms).
    const { outcome, span } = await invoke(
      loadEvent('api-gateway-v2'),
      () => new Promise((resolve) => setTimeout(() => resolve('done'), 20)),
      context,
    );
    expect(outcome).toEqual({ result: 'done', threw: false });
    expect(span!.attributes['error.type']).toBeUndefined();
    expect(span!.status.code).toBe(0);
  });

  it('a handler that never settles: its span is ended as timed out and exported before the deadline', async () => {
    const context = lambdaContext({ timeoutMs: 1_000 });
    const wrapped = observability.wrap(async (_e: unknown, _c: unknown) => new Promise(() => {}));
    void wrapped(loadEvent('api-gateway-v2'), context);
    await waitFor(() => spanOf(context) !== undefined, 'the timed-out span');
    expect(spanOf(context)!.attributes['error.type']).toBe('timeout');
  });

  it('no record of any case is under another trace than its span', () => {
    const spans = new Map(receiver.spans.map((s) => [s.spanId, s]));
    expect(receiver.logs.filter((l) => l.body === 'in a trace header case')).toHaveLength(HOSTILE_TRACE_HEADERS.length);
    expect(receiver.logs.length).toBeGreaterThan(HOSTILE_TRACE_HEADERS.length + HOSTILE_EVENTS.length);
    for (const log of receiver.logs) expect(log.traceId).toBe(spans.get(log.spanId)?.traceId);
  });
});
