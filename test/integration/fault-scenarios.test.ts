import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { closedEndpoint, startHangingEndpoint } from '../../tools/loopback.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

/**
 * The collector down, hanging, failing or throttling: in every case the handler's result is unchanged,
 * each invocation stays within its bound, and every log record is found exactly once across
 * collector ∪ Loki ∪ stdout.
 */
let loki: LokiReceiver;
let collector: OtlpReceiver;
let observability: LambdaObservability | undefined;
let stdout: string[];
const saved = { write: process.stdout.write, log: console.log };

beforeEach(async () => {
  [loki, collector] = [await startLokiReceiver(), await startOtlpReceiver()];
  stdout = [];
  process.stdout.write = ((chunk: string) => {
    stdout.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  console.log = () => {};
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  Object.assign(process.stdout, { write: saved.write });
  console.log = saved.log;
  await loki.close();
  await collector.close();
});

async function run(
  endpoint: string,
  invocations: number,
  options: { circuitBackoffMs?: number; between?: (i: number) => Promise<void> } = {},
) {
  observability = createLambdaObservability(
    {
      endpoint,
      flushBudgetMs: 1000,
      circuitBackoffMs: options.circuitBackoffMs ?? 60_000,
      loki: { url: loki.url },
    },
    LAMBDA_ENV,
  );
  const handler = observability.wrap(async (event: { i: number }, _context: unknown) => {
    console.log(`line 1 of invocation ${event.i}`);
    console.log(`line 2 of invocation ${event.i}`);
    return { statusCode: 200, body: `result ${event.i}` };
  });
  const durations: number[] = [];
  for (let i = 0; i < invocations; i++) {
    await options.between?.(i);
    const started = performance.now();
    expect(await handler({ i }, lambdaContext())).toEqual({ statusCode: 200, body: `result ${i}` });
    durations.push(performance.now() - started);
  }
  return {
    durations,
    expected: Array.from({ length: invocations }, (_, i) => [`line 1 of invocation ${i}`, `line 2 of invocation ${i}`]).flat(),
  };
}

/** Every expected body exactly once across the three sinks, each with its own log.record.uid. */
function expectExactlyOnce(expected: string[]) {
  const fromCollector = collector.logs.map((l) => ({ body: String(l.body), uid: l.attributes['log.record.uid'] }));
  const fromLoki = loki.entries.map((e) => ({ body: e.line, uid: e.metadata.log_record_uid }));
  const fromStdout = stdout
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"undelivered_log_record":true'))
    .map((line) => JSON.parse(line))
    .map((r) => ({ body: String(r.body), uid: r.attributes['log.record.uid'] }));
  const all = [...fromCollector, ...fromLoki, ...fromStdout];
  expect(all.map((r) => r.body).sort()).toEqual([...expected].sort());
  expect(new Set(all.map((r) => r.uid)).size).toBe(expected.length);
  expect(loki.invalid).toEqual([]);
  return { collector: fromCollector.length, loki: fromLoki.length, stdout: fromStdout.length };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('collector faults, with the Loki fallback', () => {
  it('port closed: the first invocation adds ≤ 50 ms, the next ones a Loki round trip; all logs in Loki', async () => {
    const { durations, expected } = await run(await closedEndpoint(), 8);
    expect(durations[0]).toBeLessThan(50);
    expect(median(durations.slice(1))).toBeLessThan(5);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 16, stdout: 0 });
  });

  it('accepts but never answers: the first invocation stays within the flush budget, then the breaker skips it', async () => {
    const hanging = await startHangingEndpoint();
    try {
      const { durations, expected } = await run(hanging.url, 6);
      expect(durations[0]).toBeLessThan(1050);
      expect(durations[0]).toBeGreaterThan(400); // it did wait for the OTLP timeout once
      expect(median(durations.slice(1))).toBeLessThan(5);
      expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 12, stdout: 0 });
    } finally {
      await hanging.close();
    }
  });

  it('answers 500: the logs go to Loki', async () => {
    collector.behave({ status: 500 });
    const { durations, expected } = await run(collector.url, 5);
    expect(Math.max(...durations)).toBeLessThan(1000);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 10, stdout: 0 });
  });

  it('answers 429 with a Retry-After beyond the budget: no waiting for it, the logs go to Loki', async () => {
    collector.behave({ status: 429, headers: { 'retry-after': '30' } });
    const { durations, expected } = await run(collector.url, 5);
    expect(Math.max(...durations)).toBeLessThan(100);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 10, stdout: 0 });
  });

  it('answers 429 with a short Retry-After once: retried, delivered to the collector', async () => {
    collector.behave({ status: 429, headers: { 'retry-after': '0' }, times: 2 });
    const { expected } = await run(collector.url, 3);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 6, loki: 0, stdout: 0 });
  });

  it('answers slowly (after its timeout): bounded, and each record still lands exactly once', async () => {
    collector.behave({ latencyMs: 2000 });
    const { durations, expected } = await run(collector.url, 4);
    expect(durations[0]).toBeLessThan(1050);
    expect(median(durations.slice(1))).toBeLessThan(5);
    await new Promise((resolve) => setTimeout(resolve, 2100)); // let the slow answers come back: they must not count
    expect(expectExactlyOnce(expected).collector).toBe(0);
  });

  it('dies mid-run and comes back: Loki covers the gap, the collector takes over again after a probe', async () => {
    const port = new URL(collector.url).port;
    let revived: OtlpReceiver | undefined;
    const { expected } = await run(collector.url, 12, {
      circuitBackoffMs: 50,
      between: async (i) => {
        if (i === 4) await collector.close();
        if (i === 8) {
          revived = await startOtlpReceiver({}, Number(port));
          await new Promise((resolve) => setTimeout(resolve, 120)); // past the breaker's back-off
        }
      },
    });
    const before = collector.logs.length;
    collector.logs.push(...revived!.logs);
    await revived!.close();
    const counts = expectExactlyOnce(expected);
    expect(before).toBe(8);
    expect(counts.loki).toBeGreaterThanOrEqual(8);
    expect(revived!.logs.length).toBeGreaterThan(0);
  });

  it('Loki down as well: stdout takes every record, as one JSON line each', async () => {
    loki.behave({ status: 503 });
    const { expected } = await run(await closedEndpoint(), 3);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 0, stdout: 6 });
  });
});

afterAll(() => {
  process.stdout.write = saved.write;
});
