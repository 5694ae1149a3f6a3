import { beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer, type FunctionConfig, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { startDelayProxy } from '../helpers/delay-proxy.ts';
import { diagnosticLines, statuses } from '../helpers/sinks.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { expectAllDelivered, exportsBeforeResponse, libraryDiagnostics, type Run } from './post-response-assertions.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

// The flush after the response (docs/how-it-works.md, "The flush after the response"): the function runs frozen at every /next under our Runtime API
// emulator, which now holds the freeze until the runtime AND every extension wait, against the real
// collector behind a proxy that answers slowly (so an export before the response would delay it).

const availability = collectorAvailability();

// The preload from source (Node strips the types); the bundled handler has its own copy of the library,
// and both find the one extension of the process.
const PRELOAD = new URL('../../src/lambda-preload.ts', import.meta.url).pathname;

let taskRoot: string;
beforeAll(async () => {
  if (!availability.run) return;
  const artifact = await buildFixtureFunction('post-response');
  taskRoot = artifact.dir;
}, 60_000);

/** Runs `count` invocations of `handler`, then ends the process (SIGKILL unless `graceful`) and collects. */
async function run(
  runtime: string[] | undefined,
  options: {
    count: number;
    delayMs: number;
    handler?: string;
    graceful?: boolean;
    events?: (i: number) => unknown;
  } & Partial<FunctionConfig>,
): Promise<Run> {
  const collector = await startCollector();
  const proxy = await startDelayProxy(collector.endpoint, options.delayMs);
  const lambda = await RuntimeApiServer.start({
    taskRoot,
    handler: `index.${options.handler ?? 'handler'}`,
    functionName: 'post-response',
    timeoutMs: 5000,
    runtime,
    extensions: options.extensions,
    holdRegistrationMs: options.holdRegistrationMs,
    holdRegistrationUntilRuntimeAsks: options.holdRegistrationUntilRuntimeAsks,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: proxy.url, FIXTURE_TOP_LEVEL_AWAIT: '1', ...options.env },
  });
  const results: InvocationResult[] = [];
  try {
    for (let i = 0; i < options.count; i++) results.push(await lambda.invoke(options.events?.(i) ?? { i }));
    // Frozen a while before it is retired, as on Lambda: a timer set in the last invocation is due at the thaw.
    if (options.graceful) await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    // SIGKILL: what was not exported before the last freeze is lost (unless `graceful`: SIGTERM first).
    await lambda.stop({ graceful: options.graceful ?? false });
    await proxy.close();
  }
  const { spans, logs } = await collector.stop();
  return { lambda, results, arrivals: proxy.arrivals, spans, logs };
}

describe.skipIf(!availability.run).each(RUNTIMES)(`the flush after the response, under %s ${availability.reason}`, (_name, runtime) => {
  it('1,000 invocations, collector answering in 20 ms: each response posted before its export arrived; all delivered before each freeze', async () => {
    const r = await run(runtime, { count: 1000, delayMs: 20 });
    expect(statuses(r.results)).toEqual({ success: 1000 });
    expect(r.lambda.extensions.registrations).toEqual(['200']);
    expect(r.lambda.freezes).toBeGreaterThanOrEqual(1000);
    // The mechanism: nothing was exported while an invocation waited for its response...
    expect(exportsBeforeResponse(r).every((n) => n === 0)).toBe(true);
    // ...and each invocation's export arrived after its response, inside its invoke phase (before the freeze).
    const phases = new Map(r.lambda.phases.map((p) => [p.requestId, p]));
    for (const result of r.results) {
      const phase = phases.get(result.requestId)!;
      const end = phase.respondedAt - phase.responseMs + phase.billedMs;
      expect(r.arrivals.some((a) => a.arrivedAt > result.respondedAt && a.arrivedAt < end)).toBe(true);
    }
    expectAllDelivered(r);
    expect(diagnosticLines(r.lambda)).toEqual([]);
  }, 300_000);

  it('a collector answering in 500 ms does not delay the response; the invoke phase (billed) holds the export', async () => {
    const budget = { OTEL_EXPORTER_OTLP_TIMEOUT: '2000', FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '3000' };
    const r = await run(runtime, { count: 10, delayMs: 500, env: budget });
    expect(statuses(r.results)).toEqual({ success: 10 });
    expect(r.results.every((result) => result.durationMs < 500)).toBe(true);
    expect(r.lambda.phases.every((phase) => phase.billedMs >= 500)).toBe(true);
    expectAllDelivered(r);
  }, 120_000);

  it('the registration race (the runtime asks first) falls back to the flush before the response, nothing lost, said once', async () => {
    // The registration is answered only once the runtime has asked (not after a time that a loaded machine outlasts).
    const r = await run(runtime, { count: 20, delayMs: 20, holdRegistrationUntilRuntimeAsks: true, env: { FIXTURE_TOP_LEVEL_AWAIT: '0' } });
    expect(statuses(r.results)).toEqual({ success: 20 });
    expect(r.lambda.extensions.registrations).toEqual(['Extension.RegistrationClosed']);
    // The fallback exports before each response, as before.
    expect(exportsBeforeResponse(r).every((n) => n > 0)).toBe(true);
    expectAllDelivered(r);
    // aws-lambda-ric writes console lines (diagnostics included) to stdout.
    const lines = libraryDiagnostics(r.lambda);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/flushing before each response: .*Extension\.RegistrationClosed/);
  }, 120_000);

  it.each([
    ['a top-level await in the handler module', {}],
    ['the preload (NODE_OPTIONS=--import)', { FIXTURE_TOP_LEVEL_AWAIT: '0', NODE_OPTIONS: `--import ${PRELOAD}` }],
  ])(
    '%s registers before the runtime asks, however slowly Lambda answers the registration',
    async (_form, env) => {
      const r = await run(runtime, { count: 20, delayMs: 20, holdRegistrationMs: 300, env });
      expect(statuses(r.results)).toEqual({ success: 20 });
      expect(r.lambda.extensions.registrations).toEqual(['200']);
      expect(exportsBeforeResponse(r).every((n) => n === 0)).toBe(true);
      expectAllDelivered(r);
    },
    120_000,
  );

  it('Lambda Managed Instances: no registration, the flush before the response', async () => {
    // aws-lambda-ric runs several invocations at once under AWS_LAMBDA_MAX_CONCURRENCY, which the emulator
    // does not; the library also recognises Managed Instances by their initialization type.
    const env: Record<string, string> = runtime
      ? { AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances' }
      : { AWS_LAMBDA_MAX_CONCURRENCY: '4' };
    const r = await run(runtime, { count: 20, delayMs: 20, env });
    expect(statuses(r.results)).toEqual({ success: 20 });
    expect(r.lambda.extensions.registrations).toEqual([]);
    expect(exportsBeforeResponse(r).every((n) => n > 0)).toBe(true);
    expectAllDelivered(r);
    expect(diagnosticLines(r.lambda)).toEqual([]);
  }, 120_000);

  it('a callback-style handler answers (no wait on the long poll) and flushes after its response', async () => {
    const r = await run(runtime, { count: 20, delayMs: 20, handler: 'callback' });
    expect(statuses(r.results)).toEqual({ success: 20 });
    expect(r.results.map((result) => JSON.parse(result.payload))).toEqual(r.results.map((_, i) => ({ i })));
    expect(exportsBeforeResponse(r).every((n) => n === 0)).toBe(true);
    expectAllDelivered(r);
  }, 120_000);

  it('a streaming handler keeps its own path and every invocation completes', async () => {
    const r = await run(runtime, { count: 20, delayMs: 20, handler: 'streaming' });
    expect(statuses(r.results)).toEqual({ success: 20 });
    expect(r.results.map((result) => result.payload)).toEqual(r.results.map((_, i) => `streamed ${i}`));
    expectAllDelivered(r);
  }, 120_000);

  it('SIGTERM at shutdown delivers what is still pending (a line logged after the last flush)', async () => {
    const r = await run(runtime, { count: 3, delayMs: 0, graceful: true, events: (i) => ({ i, late: i === 2 }) });
    expect(r.lambda.lastShutdown).toBe('sigterm');
    const late = r.logs.filter((l) => String(l.body).startsWith('late '));
    expect(late.map((l) => l.body)).toEqual([`late ${r.results[2]!.requestId}`]);
  }, 60_000);
});
