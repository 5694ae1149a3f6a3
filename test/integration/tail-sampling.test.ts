import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, keepInvocation, type LambdaObservability } from '../../src/lambda.ts';
import { startLoopbackServer } from '../../tools/loopback.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { metricTotal } from '../helpers/metric-total.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
const quiet = { log: console.log, info: console.info, debug: console.debug, error: console.error, warn: console.warn };

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  for (const method of ['log', 'info', 'debug', 'error', 'warn'] as const) console[method] = () => {};
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, quiet);
  await receiver.close();
});

/** A head sampler that samples nothing, tail sampling on, debug lines held for failures. */
function setup(
  env: Record<string, string> = {},
  options: Parameters<typeof createLambdaObservability>[0] = {},
  create = createLambdaObservability,
) {
  observability = create(
    { postResponseFlush: false, ...options },
    {
      ...LAMBDA_ENV,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: 'always_off',
      FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true',
      FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL: 'info',
      FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS: '150',
      ...env,
    },
  );
  return observability;
}

interface Plan {
  tag: string;
  mode?: 'throw' | 'http500' | 'error-log' | 'slow' | 'keep';
}

function handlerFor(observability: LambdaObservability) {
  return observability.wrap(async (event: Plan & { requestContext?: unknown }, _context: unknown) => {
    console.debug(`debug ${event.tag}`);
    console.info(`info ${event.tag}`);
    if (event.mode === 'slow') await new Promise((resolve) => setTimeout(resolve, 250));
    if (event.mode === 'error-log') console.error(`error ${event.tag}`);
    if (event.mode === 'keep') keepInvocation();
    if (event.mode === 'throw') throw new Error(`boom ${event.tag}`);
    return event.mode === 'http500' ? { statusCode: 500 } : { statusCode: 200 };
  });
}

const bodies = () => receiver.logs.map((log) => String(log.body)).sort();
const total = (name: string) => metricTotal(receiver.metrics, name);

describe('tail sampling: one keep decision per invocation, after its outcome', () => {
  it('keeps failed, slow, error-logging and asked-for invocations whole; drops the rest whole; debug lines only with failures', async () => {
    const wrapped = handlerFor(setup());
    const http = loadEvent('api-gateway-v2');
    await wrapped({ tag: 'ok1' }, lambdaContext());
    await expect(wrapped({ tag: 'thrown', mode: 'throw' }, lambdaContext())).rejects.toThrow('boom thrown');
    await wrapped({ ...http, tag: 'five', mode: 'http500' }, lambdaContext());
    await wrapped({ tag: 'logged', mode: 'error-log' }, lambdaContext());
    await wrapped({ tag: 'slow', mode: 'slow' }, lambdaContext());
    await wrapped({ tag: 'asked', mode: 'keep' }, lambdaContext());
    await wrapped({ tag: 'ok2' }, lambdaContext());

    expect(bodies()).toEqual(
      [
        // Kept because they failed: every line, the debug ones included.
        'debug thrown',
        'info thrown',
        'debug five',
        'info five',
        // Kept for another reason: every line at or above the export level.
        'info logged',
        'error logged',
        'info slow',
        'info asked',
      ].sort(),
    );
    // One span per kept invocation, none for the dropped ones; no exported record without its span.
    expect(receiver.spans).toHaveLength(5);
    const traces = new Set(receiver.spans.map((s) => s.traceId));
    expect(receiver.logs.every((log) => traces.has(log.traceId))).toBe(true);
    // Metrics count every invocation, and what sampling dropped.
    expect(total('faas.invocations') + total('faas.errors')).toBe(7);
    expect(total('faas.sampling.dropped')).toBe(2);
  });

  it('a partial batch response keeps its invocation as a failure: debug lines included', async () => {
    const sqs = loadEvent('sqs') as { Records: { messageId: string }[] };
    const observability = setup();
    const wrapped = observability.wrap(async (event: { Records: { messageId: string }[] }, _context: unknown) => {
      console.debug('batch debug');
      return { batchItemFailures: event.Records.slice(0, 1).map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await wrapped(sqs, lambdaContext());
    const none = observability.wrap(async (_event: unknown, _context: unknown) => {
      console.debug('clean batch debug');
      return { batchItemFailures: [] };
    });
    await none(sqs, lambdaContext());
    expect(bodies()).toEqual(['batch debug']);
  });

  it('head-sampled invocations are kept without their debug lines', async () => {
    const wrapped = handlerFor(setup({ OTEL_TRACES_SAMPLER: 'always_on' }));
    for (let i = 0; i < 3; i++) await wrapped({ tag: `on${i}` }, lambdaContext());
    expect(bodies()).toEqual(['info on0', 'info on1', 'info on2']);
    expect(receiver.spans).toHaveLength(3);
  });

  it('the diagnostic line never reports a dropped invocation as a delivery problem', async () => {
    // The library writes through the console it found at load: a fresh load records what it writes.
    const { written, createLambdaObservability: create } = await loadWithRecordedConsole();
    const wrapped = handlerFor(setup({ FAAS_OBSERVABILITY_KEEP_LOG_LEVEL: 'loud' }, {}, create));
    for (let i = 0; i < 3; i++) await wrapped({ tag: `off${i}` }, lambdaContext());
    expect(total('faas.sampling.dropped')).toBe(3);
    expect(receiver.spans).toHaveLength(0);
    // The one line is the setup's warning about the bad value (so the library's lines do land here); none after.
    expect(written).toEqual([expect.stringContaining('FAAS_OBSERVABILITY_KEEP_LOG_LEVEL')]);
  });

  it('the head sampler is parent-based: a sampled caller keeps the invocation, an unsampled one leaves it to the outcome', async () => {
    const wrapped = handlerFor(setup({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' }));
    const http = loadEvent('api-gateway-v2');
    const called = (traceId: string, flags: string) => ({
      ...http,
      headers: { ...http.headers, traceparent: `00-${traceId}-00f067aa0ba902b7-${flags}` },
    });
    await wrapped({ ...called('a'.repeat(32), '01'), tag: 'sampled' }, lambdaContext());
    await wrapped({ ...called('b'.repeat(32), '00'), tag: 'unsampled' }, lambdaContext());
    await wrapped({ ...called('c'.repeat(32), '00'), tag: 'failed', mode: 'http500' }, lambdaContext());
    expect(bodies()).toEqual(['debug failed', 'info failed', 'info sampled']);
    expect(receiver.spans.map((s) => s.traceId).sort()).toEqual(['a'.repeat(32), 'c'.repeat(32)]);
    expect(total('faas.sampling.dropped')).toBe(1);
  });

  it('outbound requests carry the head decision in traceparent, whatever the outcome decides later', async () => {
    const seen: string[] = [];
    const server = await startLoopbackServer({
      handle: (request) => {
        seen.push(String(request.headers.traceparent));
        return { status: 200 };
      },
    });
    try {
      const wrapped = setup().wrap(async (_event: unknown, _context: unknown) => {
        await (await fetch(server.url)).arrayBuffer();
        throw new Error('after the call');
      });
      await expect(wrapped({}, lambdaContext())).rejects.toThrow('after the call');
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      // Kept because it failed: the CLIENT span is exported with the invocation's, in the same trace.
      const client = receiver.spans.find((s) => s.kind === 3)!;
      expect(client.traceId).toBe(seen[0]!.split('-')[1]);
      expect(receiver.spans).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('an invocation that holds more than its share of the memory cap is kept early, whole: nothing is lost', async () => {
    // A 64 KiB cap: an invocation may hold 8 KiB, a few dozen records, before it is decided; past the cap
    // itself, records go to stdout as JSON lines (the memory cap's own rule).
    const wrapped = setup({}, { maxBufferBytes: 64 * 1024 }).wrap(async (_event: unknown, _context: unknown) => {
      for (let i = 0; i < 500; i++) console.info(`flood ${i}`);
      console.debug('flood debug');
      return 'ok';
    });
    const stdout: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await wrapped({}, lambdaContext());
    } finally {
      process.stdout.write = write;
    }
    const exported = bodies().filter((b) => b.startsWith('flood'));
    const written = stdout.filter((line) => line.includes('"undelivered_log_record":true')).map((line) => String(JSON.parse(line).body));
    expect(exported.length).toBeGreaterThan(0);
    // Every line exactly once, in one sink or the other, the debug one included (kept early, as a failure is).
    expect(new Set([...exported, ...written]).size).toBe(501);
    expect(exported.length + written.length).toBe(501);
    // The span ends last, with the cap taken by the lines before it: it may be in either sink, once.
    expect(receiver.spans.length + stdout.filter((line) => line.includes('"undelivered_span":true')).length).toBe(1);
  });

  it('with tail sampling on, logs outside any invocation (init) are exported, in no trace', async () => {
    const wrapped = handlerFor(setup());
    console.info('at init');
    await wrapped({ tag: 'dropped' }, lambdaContext());
    expect(bodies()).toEqual(['at init']);
    expect(receiver.logs[0]!.traceId).toBe('');
    expect(receiver.spans).toHaveLength(0);
    expect(total('faas.sampling.dropped')).toBe(1);
  });

  it('logs outside any invocation (init) are exported; with tail sampling off everything is as before', async () => {
    const off = setup({ FAAS_OBSERVABILITY_TAIL_SAMPLING: 'false' });
    console.info('outside any invocation');
    const wrapped = handlerFor(off);
    await wrapped({ tag: 'plain' }, lambdaContext());
    // Head sampler off, no tail: no span; every log exported, as today (OTEL_TRACES_SAMPLER drops spans only).
    expect(receiver.spans).toHaveLength(0);
    expect(bodies()).toEqual(['debug plain', 'info plain', 'outside any invocation']);
    expect(keepInvocation()).toBe(false);
  });
});
