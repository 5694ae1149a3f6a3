import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { spawn } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LambdaObservability } from '../../src/lambda.ts';
import { delayedExporter } from '../helpers/fake-exporters.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
const saved = { log: console.log, warn: console.warn, setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
let warnings: string[];
let createLambdaObservability: typeof import('../../src/lambda.ts').createLambdaObservability;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  warnings = [];
  console.log = () => {}; // the lines still go somewhere; these tests look at the receiver
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  // Diagnostics write through the console methods captured when the library loads: load it now.
  vi.resetModules();
  ({ createLambdaObservability } = await import('../../src/lambda.ts'));
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, { log: saved.log, warn: saved.warn });
  Object.assign(globalThis, { setTimeout: saved.setTimeout, clearTimeout: saved.clearTimeout });
  await receiver.close();
});

/** Records the timers the library creates (by their creation stack) that neither fired nor were cleared. */
function trackLibraryTimers(): Set<unknown> {
  const live = new Set<unknown>();
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const fromLibrary = /[/\\]src[/\\]/.test(new Error().stack ?? '');
    const timer: unknown = saved.setTimeout(
      (...a: unknown[]) => {
        live.delete(timer);
        fn(...a);
      },
      ms,
      ...args,
    );
    if (fromLibrary) live.add(timer);
    return timer;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((timer: Parameters<typeof clearTimeout>[0]) => {
    live.delete(timer);
    saved.clearTimeout(timer);
  }) as typeof clearTimeout;
  return live;
}

// Bounds far above what the tests need, so a loaded machine cannot turn delivery into a fallback: they count
// where records went, not how fast (bench/ measures that).
const ROOMY = { FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '20000', OTEL_EXPORTER_OTLP_TIMEOUT: '10000' };

const requestsTo = (path: string) => receiver.requests.filter((r) => r.path === path).length;

describe('a burst of console lines in one Lambda invocation, exported to a loopback OTLP receiver', () => {
  it('10,000 lines all arrive in requests of at most 512; the next invocation costs one request per signal; no timer outlives a flush', async () => {
    observability = createLambdaObservability({}, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ROOMY });
    const timers = trackLibraryTimers();
    const wrapped = observability.wrap(async (event: { lines: number; tag: string }, _context: unknown) => {
      for (let i = 0; i < event.lines; i++) console.log(`${event.tag} ${i}`);
    });
    await wrapped({ lines: 10_000, tag: 'burst' }, lambdaContext());
    expect(timers.size).toBe(0);
    const burst = receiver.logs.filter((l) => String(l.body).startsWith('burst '));
    expect(burst).toHaveLength(10_000);
    expect(new Set(burst.map((l) => l.body)).size).toBe(10_000);
    expect(requestsTo('/v1/logs')).toBe(Math.ceil(10_000 / 512));

    const before = { logs: requestsTo('/v1/logs'), traces: requestsTo('/v1/traces') };
    for (let i = 0; i < 3; i++) {
      await wrapped({ lines: 2, tag: `after${i}` }, lambdaContext());
      expect(timers.size).toBe(0);
    }
    expect(requestsTo('/v1/logs') - before.logs).toBe(3);
    expect(requestsTo('/v1/traces') - before.traces).toBe(3);
    expect(receiver.logs.filter((l) => String(l.body).startsWith('after'))).toHaveLength(6);
    // No flush ran out its budget waiting for records that would never come.
    expect(warnings).toEqual([]);
  });

  it('no timer, poll loop or socket in use outlives the flush: after a burst the process exits by itself', async () => {
    const script = `
      import { createLambdaObservability } from ${JSON.stringify(new URL('../../src/lambda.ts', import.meta.url).pathname)};
      const observability = createLambdaObservability({}, { AWS_LAMBDA_FUNCTION_NAME: 'exits', OTEL_EXPORTER_OTLP_ENDPOINT: ${JSON.stringify(receiver.url)}, ...${JSON.stringify(ROOMY)} });
      const handler = observability.wrap(async (event, _context) => { for (let i = 0; i < event.lines; i++) console.log('exits ' + event.tag + ' ' + i); });
      const context = { awsRequestId: 'r', functionName: 'exits', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:exits', getRemainingTimeInMillis: () => 30000 };
      await handler({ lines: 10000, tag: 'burst' }, context);
      await handler({ lines: 2, tag: 'after' }, context);
      process.stderr.write('invocations done\\n');
      // No shutdown and no exit: whatever the library left running would keep this process alive.
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = await new Promise<number | null | 'still running'>((resolve) => {
      const timer = saved.setTimeout(() => resolve('still running'), 20_000);
      child.on('exit', (code) => {
        saved.clearTimeout(timer);
        resolve(code);
      });
    });
    child.kill('SIGKILL');
    expect(stderr).toContain('invocations done');
    expect(exited).toBe(0);
    expect(receiver.logs.filter((l) => String(l.body).startsWith('exits '))).toHaveLength(10_002);
  }, 30_000);

  it('past the memory cap, lines go straight to stdout as JSON lines and the diagnostic line counts them', async () => {
    const stdout: string[] = [];
    observability = createLambdaObservability(
      { maxBufferBytes: 256 * 1024 },
      { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ROOMY },
    );
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => stdout.push(chunk) > 0) as typeof process.stdout.write;
    try {
      await observability.wrap(async (_event: unknown, _context: unknown) => {
        for (let i = 0; i < 5000; i++) console.log(`capped ${i}`);
      })({}, lambdaContext());
    } finally {
      process.stdout.write = write;
    }
    const exported = receiver.logs.filter((l) => String(l.body).startsWith('capped ')).map((l) => String(l.body));
    const written = stdout.filter((line) => line.startsWith('{"undelivered_log_record":true')).map((line) => String(JSON.parse(line).body));
    expect(exported.length).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(0);
    // Every line exactly once, in one sink or the other.
    expect(new Set([...exported, ...written]).size).toBe(5000);
    expect(exported.length + written.length).toBe(5000);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`${written.length} log record(s) over the memory cap written to stdout as JSON lines`);
  });
});

describe('one flush budget drives every bound', () => {
  it("a span the exporter delivers within the user's budget is not reported as a timeout", async () => {
    const spans = new InMemorySpanExporter();
    // 1.2 s: past the old processor guard (the default budget, 1 s) but well within the user's 5 s.
    observability = createLambdaObservability(
      { flushBudgetMs: 5000, spanExporter: delayedExporter(spans, 1200), metrics: false },
      LAMBDA_ENV,
    );
    await observability.wrap(async (_event: unknown, _context: unknown) => 'ok')({}, lambdaContext());
    expect(spans.getFinishedSpans()).toHaveLength(1);
    expect(warnings).toEqual([]);
  });
});
