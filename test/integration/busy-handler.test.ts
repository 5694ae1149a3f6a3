import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

// A handler that keeps the event loop to itself for longer than the export timeout (450 ms, the default, kept
// here on purpose): a batch cut while it runs must still reach a healthy collector, and the collector must
// not be taken for dead. The flush budget is roomy so that a loaded machine cannot turn a slow flush into a
// spill to stdout: these tests count where records went, not how fast (bench/burst.ts measures that).
const ROOMY_FLUSH = { FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '60000' };

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
let written: string[];
let stdout: string[];
const saved = { log: console.log, warn: console.warn, error: console.error, write: process.stdout.write };

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  let createLambdaObservability;
  ({ written, createLambdaObservability } = await loadWithRecordedConsole());
  create = (env) =>
    (observability = createLambdaObservability({}, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...ROOMY_FLUSH, ...env }));
  stdout = [];
  // The stdout last resort writes its JSON lines to process.stdout on Lambda.
  process.stdout.write = ((chunk: string) => stdout.push(String(chunk)) > 0) as typeof process.stdout.write;
});
afterEach(async () => {
  process.stdout.write = saved.write;
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, { log: saved.log, warn: saved.warn, error: saved.error });
  await receiver.close();
});

let create: (env: Record<string, string>) => LambdaObservability;

const received = (tag: string) => receiver.logs.filter((log) => String(log.body).startsWith(`${tag} `));

/** Keeps the event loop busy for `ms` of wall time: a CPU-bound step. */
function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

/** The next invocation's two lines reach the collector: the breaker did not open. */
async function nextInvocationReachesTheCollector(wrapped: (event: { lines: number; tag: string }, context: unknown) => Promise<unknown>) {
  await wrapped({ lines: 2, tag: 'next' }, lambdaContext());
  expect(received('next')).toHaveLength(2);
}

describe('a handler that keeps the event loop busy past the export timeout (Lambda, node:http)', () => {
  it('a burst of 100,000 console lines in one invocation: every line reaches the collector, which is not marked dead', async () => {
    // 512 MB: the memory cap (an eighth: 64 MiB) holds the whole burst, which the loop cannot export while it runs.
    const wrapped = create({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512' }).wrap(
      async (event: { lines: number; tag: string }, _context: unknown) => {
        for (let i = 0; i < event.lines; i++) console.log(`${event.tag} ${i}`);
      },
    );
    await wrapped({ lines: 100_000, tag: 'burst' }, lambdaContext());
    const burst = received('burst');
    expect(burst).toHaveLength(100_000);
    expect(new Set(burst.map((log) => log.body)).size).toBe(100_000);
    await nextInvocationReachesTheCollector(wrapped);
    expect(written).toEqual([]);
  }, 120_000);

  it('past the memory cap the burst is not lost: what the cap holds reaches the collector, the rest stdout, counted', async () => {
    // 256 MB: the cap (32 MiB) holds about 70,000 of these records; the rest go to stdout as they are logged.
    const wrapped = create({}).wrap(async (event: { lines: number; tag: string }, _context: unknown) => {
      for (let i = 0; i < event.lines; i++) console.log(`${event.tag} ${i}`);
    });
    await wrapped({ lines: 100_000, tag: 'capped' }, lambdaContext());
    const exported = received('capped').map((log) => String(log.body));
    const overCap = stdout.filter((line) => line.startsWith('{"undelivered_log_record":true')).map((line) => String(JSON.parse(line).body));
    expect(exported.length).toBeGreaterThan(50_000);
    expect(new Set([...exported, ...overCap]).size).toBe(100_000);
    expect(exported.length + overCap.length).toBe(100_000);
    // One diagnostic line, and all it says is the cap: no export failed.
    expect(written).toHaveLength(1);
    expect(written[0]).toContain(`${overCap.length} log record(s) over the memory cap written to stdout as JSON lines`);
    expect(written[0]).not.toMatch(/failed|no answer|circuit/);
    written.length = 0;
    await nextInvocationReachesTheCollector(wrapped);
    expect(written).toEqual([]);
  }, 120_000);

  it('a 1 s CPU-bound step after a batch was cut: every line reaches the collector, and so does the next invocation', async () => {
    const wrapped = create({}).wrap(async (event: { lines: number; tag: string }, _context: unknown) => {
      for (let i = 0; i < event.lines; i++) console.log(`${event.tag} ${i}`);
      if (event.tag === 'busy') busyFor(1000); // the batch of the first 512 lines is in flight, its timer armed
    });
    await wrapped({ lines: 600, tag: 'busy' }, lambdaContext());
    expect(received('busy')).toHaveLength(600);
    await nextInvocationReachesTheCollector(wrapped);
    expect(written).toEqual([]);
  });

  it('a 1 s CPU-bound step after an await, with the request already on its socket: the answer is read, not timed out', async () => {
    const wrapped = create({}).wrap(async (event: { lines: number; tag: string }, _context: unknown) => {
      for (let i = 0; i < event.lines; i++) console.log(`${event.tag} ${i}`);
      if (event.tag !== 'sent') return;
      // Let the request go out and the collector answer, then keep the loop busy past the timeout: the
      // answer waits in the socket while the timer is overdue.
      const answered = receiver.requests.length + 1;
      while (receiver.requests.length < answered) await new Promise((resolve) => setImmediate(resolve));
      busyFor(1000);
    });
    await wrapped({ lines: 512, tag: 'sent' }, lambdaContext());
    expect(received('sent')).toHaveLength(512);
    await nextInvocationReachesTheCollector(wrapped);
    expect(written).toEqual([]);
  });
});
