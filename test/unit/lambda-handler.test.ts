import { SpanStatusCode } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, withObservability } from '../../src/lambda.ts';
import { STREAMING_HIGH_WATER_MARK_SYMBOL, STREAMING_SYMBOL } from '../../src/lambda/lambda-types.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

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

  it('an error that throws when read (a Proxy whose get trap throws): the span still ends as ERROR, the error passes unchanged', async () => {
    observability = testObservability();
    const hostile = new Proxy(new TypeError('hidden'), {
      get() {
        throw new Error('read me not');
      },
    });
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      throw hostile;
    });
    await expect(wrapped({}, lambdaContext())).rejects.toBe(hostile);
    const [span] = observability.spans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes['error.type']).toBe('Error');
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
