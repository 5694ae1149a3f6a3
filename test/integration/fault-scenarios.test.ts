import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { closedEndpoint, startHangingEndpoint } from '../../tools/loopback.ts';
import { recordUidOf } from '../../tools/otlp-decode.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

/**
 * The collector down, hanging, failing or throttling: in every case the handler's result is unchanged,
 * the circuit breaker stops the dead endpoint from costing each invocation, and every log record is found
 * exactly once across collector ∪ Loki ∪ stdout. What each case costs in milliseconds is measured by the
 * bench (`bench/run.ts`, fault rows), not asserted here.
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
  options: {
    circuitBackoffMs?: number;
    exportTimeoutMs?: number;
    between?: (i: number) => Promise<void>;
    after?: (i: number) => void;
  } = {},
) {
  observability = createLambdaObservability(
    {
      endpoint,
      flushBudgetMs: 1000,
      circuitBackoffMs: options.circuitBackoffMs ?? 60_000,
      ...(options.exportTimeoutMs ? { exportTimeoutMs: options.exportTimeoutMs } : {}),
      loki: { url: loki.url },
    },
    LAMBDA_ENV,
  );
  const handler = observability.wrap(async (event: { i: number }, _context: unknown) => {
    console.log(`line 1 of invocation ${event.i}`);
    console.log(`line 2 of invocation ${event.i}`);
    return { statusCode: 200, body: `result ${event.i}` };
  });
  // The diagnostic line of each invocation says how its exports failed: refused, timed out, or skipped
  // because the breaker was open.
  const diagnostics: string[] = [];
  observability.telemetry!.diagnostics.warn = (message: string) => void diagnostics.push(message);
  const lines: string[][] = [];
  for (let i = 0; i < invocations; i++) {
    await options.between?.(i);
    const before = diagnostics.length;
    expect(await handler({ i }, lambdaContext())).toEqual({ statusCode: 200, body: `result ${i}` });
    lines.push(diagnostics.slice(before));
    options.after?.(i);
  }
  return {
    lines,
    expected: Array.from({ length: invocations }, (_, i) => [`line 1 of invocation ${i}`, `line 2 of invocation ${i}`]).flat(),
  };
}

/** Every expected body exactly once across the three sinks, each with its own log.record.uid. */
function expectExactlyOnce(expected: string[]) {
  const fromCollector = collector.logs.map((l) => ({ body: String(l.body), uid: recordUidOf(l) }));
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

/** After the first invocation every one skipped the dead collector: its breaker was open, no request was made. */
function expectBreakerSkipsAfterFirst(lines: string[][]) {
  expect(lines[0]!.join('\n')).not.toMatch(/circuit open/);
  for (const later of lines.slice(1)) expect(later.join('\n')).toMatch(/logs: circuit open after/);
  expect(lines.flat().join('\n')).not.toMatch(/flush did not finish/);
}

describe('collector faults, with the Loki fallback', () => {
  it('port closed: the first invocation is refused at once, not retried; the next ones skip the collector; all logs in Loki', async () => {
    const { lines, expected } = await run(await closedEndpoint(), 8);
    // Refused is final: one attempt, no wait for a timeout, and the breaker opens on it.
    expect(lines[0]!.join('\n')).toMatch(/logs: OTLP export of \d+ item\(s\) failed: cannot reach http:\/\/127\.0\.0\.1/);
    expect(lines[0]!.join('\n')).not.toMatch(/no answer from/);
    expectBreakerSkipsAfterFirst(lines);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 16, stdout: 0 });
  });

  it('accepts but never answers: the first invocation waits for the OTLP timeout once, within the flush budget; then the breaker skips it', async () => {
    const hanging = await startHangingEndpoint();
    try {
      const connections: number[] = [];
      const { lines, expected } = await run(hanging.url, 6, { after: () => connections.push(hanging.connections()) });
      expect(lines[0]!.join('\n')).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within \d+ ms/);
      expect(connections[0]).toBeGreaterThan(0);
      expect(connections.at(-1)).toBe(connections[0]); // no invocation after the first reached the hung endpoint
      expectBreakerSkipsAfterFirst(lines);
      expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 12, stdout: 0 });
    } finally {
      await hanging.close();
    }
  });

  it('answers 500: the logs go to Loki; after the first invocation the collector is not asked again', async () => {
    collector.behave({ status: 500 });
    const requests: number[] = [];
    const { lines, expected } = await run(collector.url, 5, { after: () => requests.push(collector.requests.length) });
    expect(requests).toEqual(Array(5).fill(requests[0]));
    expectBreakerSkipsAfterFirst(lines);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 10, stdout: 0 });
  });

  it('answers 429 with a Retry-After beyond the budget: not retried, no waiting for it, the logs go to Loki', async () => {
    collector.behave({ status: 429, headers: { 'retry-after': '30' } });
    // The export timeout asked is far past the flush budget (it is cut to its share of it): waiting for the
    // Retry-After would run the flush out of its budget, which the diagnostic line would say.
    const { lines, expected } = await run(collector.url, 5, { exportTimeoutMs: 30_000 });
    // One request per signal, in the first invocation only: no retry after the 429, then the breaker.
    expect(collector.requests.map((r) => r.path).sort()).toEqual(['/v1/logs', '/v1/metrics', '/v1/traces']);
    expectBreakerSkipsAfterFirst(lines);
    expect(expectExactlyOnce(expected)).toEqual({ collector: 0, loki: 10, stdout: 0 });
  });

  it('answers 429 with a short Retry-After once: retried, delivered to the collector', async () => {
    collector.behave({ status: 429, headers: { 'retry-after': '0' }, times: 2 });
    const { expected } = await run(collector.url, 3);
    expect(collector.requests.length).toBeGreaterThan(6); // the receiver saw the second attempts
    expect(expectExactlyOnce(expected)).toEqual({ collector: 6, loki: 0, stdout: 0 });
  });

  it('answers slowly (after its timeout): bounded, and each record still lands exactly once', async () => {
    collector.behave({ latencyMs: 2000 });
    const requests: number[] = [];
    const { lines, expected } = await run(collector.url, 4, { after: () => requests.push(collector.requests.length) });
    expect(lines[0]!.join('\n')).toMatch(/no answer from http:\/\/127\.0\.0\.1:\d+ within \d+ ms/);
    expect(requests).toEqual(Array(4).fill(requests[0]));
    expectBreakerSkipsAfterFirst(lines);
    // Let the slow answers come back (the receiver is done with every request): they must not count.
    await waitUntil(() => collector.settled() === collector.requests.length);
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

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}
