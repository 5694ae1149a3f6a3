import { RuntimeApiServer, type InvocationResult, type InvokePhase } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { decompressed } from '../../tools/loopback.ts';
import { decodeLogs, decodeSpans, type ReceivedLog, type ReceivedSpan } from '../../tools/otlp-decode.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { stdoutRecords } from '../helpers/sinks.ts';

// Runs the batched fixture (test/e2e/fixtures/batched) under the Runtime API emulator, frozen at every /next,
// against the in-process OTLP receiver, and tells where each of its records went.

/** One planned invocation. */
export interface Step {
  readonly lines: number;
  readonly fail?: boolean;
  /** The process exits as this invocation starts (a crash: no SIGTERM, no flush); it is the plan's last step. */
  readonly crash?: boolean;
  /** Start no earlier than this many ms after the first invocation (a steady rate). */
  readonly atMs?: number;
  /** Wait this long after its response (a pause between bursts). */
  readonly pauseMs?: number;
}

export interface BatchedRun {
  readonly lambda: RuntimeApiServer;
  readonly receiver: OtlpReceiver;
  readonly steps: readonly Step[];
  /** In plan order: `results[i]` is `steps[i]`'s. */
  readonly results: InvocationResult[];
}

export interface RunOptions {
  readonly taskRoot: string;
  readonly runtime: string[] | undefined;
  readonly maxAgeMs: number;
  /** How long the receiver waits before it answers each request. */
  readonly latencyMs?: number;
  /** How long the process stays frozen after the last invocation before SIGTERM retires it. */
  readonly frozenBeforeStopMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs `steps` one after another, then retires the environment as Lambda does: SIGTERM, SIGKILL 500 ms later. */
export async function runBatched(steps: readonly Step[], options: RunOptions): Promise<BatchedRun> {
  const receiver = await startOtlpReceiver({ latencyMs: options.latencyMs ?? 0 });
  const lambda = await RuntimeApiServer.start({
    taskRoot: options.taskRoot,
    handler: 'index.handler',
    functionName: 'batched',
    timeoutMs: 10_000,
    runtime: options.runtime,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      FAAS_OBSERVABILITY_DELIVERY: 'batched',
      FAAS_OBSERVABILITY_BATCH_MAX_AGE_MS: String(options.maxAgeMs),
      // Far above what a flush needs, so a loaded machine does not turn an invocation's export into a spill.
      FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000',
      OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
    },
  });
  const results: InvocationResult[] = [];
  try {
    const started = performance.now();
    for (const step of steps) {
      if (step.atMs !== undefined) await sleep(started + step.atMs - performance.now());
      if (step.crash) {
        await lambda.invoke({ crash: true }).catch(() => undefined);
        break;
      }
      results.push(await lambda.invoke({ lines: step.lines, fail: step.fail === true }));
      if (step.pauseMs) await sleep(step.pauseMs);
    }
    await sleep(options.frozenBeforeStopMs ?? 0);
  } finally {
    await lambda.stop({ graceful: true });
  }
  return { lambda, receiver, steps, results };
}

/** `log <request id> <n>` for a line, `span <request id>` for an invocation span. */
type Key = string;

const LINE = /^batched (\S+) (\d+) (\d+)$/;

function logKey(body: unknown): Key | undefined {
  const match = LINE.exec(String(body));
  return match ? `log ${match[1]} ${match[2]}` : undefined;
}

function spanKey(attributes: Record<string, unknown> | undefined): Key | undefined {
  const id = attributes?.['faas.invocation_id'];
  return id === undefined ? undefined : `span ${String(id)}`;
}

/** Every record the run should have delivered: each invocation's span and each of its lines (a crash step has none). */
export function expectedKeys({ steps, results }: BatchedRun): Key[] {
  return results.flatMap((result, i) => [
    `span ${result.requestId}`,
    ...Array.from({ length: steps[i]!.lines }, (_, n) => `log ${result.requestId} ${n}`),
  ]);
}

/** The fixture's records among what the receiver kept and what the function wrote to stdout as its last resort. */
export function deliveredKeys(run: BatchedRun): { receiver: Key[]; stdout: Key[] } {
  const fromReceiver = [...run.receiver.spans.map((s) => spanKey(s.attributes)), ...run.receiver.logs.map((l) => logKey(l.body))];
  const { spans, logs } = stdoutRecords(run.lambda);
  const fromStdout = [...spans.map((s) => spanKey(s.attributes)), ...logs.map((l) => logKey(l.body))];
  const known = (keys: (Key | undefined)[]) => keys.filter((key): key is Key => key !== undefined);
  return { receiver: known(fromReceiver), stdout: known(fromStdout) };
}

/** What is wrong with the delivery: records missing, delivered twice or more, or delivered though never made. */
export function deliveryProblems(run: BatchedRun): { missing: Key[]; duplicated: Key[]; strays: Key[] } {
  const { receiver, stdout } = deliveredKeys(run);
  const counts = new Map<Key, number>();
  for (const key of [...receiver, ...stdout]) counts.set(key, (counts.get(key) ?? 0) + 1);
  const expected = new Set(expectedKeys(run));
  return {
    missing: [...expected].filter((key) => !counts.has(key)),
    duplicated: [...counts].filter(([key, count]) => expected.has(key) && count > 1).map(([key]) => key),
    strays: [...counts.keys()].filter((key) => !expected.has(key)),
  };
}

/** One export request of spans or logs as the receiver got it: when its body had arrived, and whose records it held. */
export interface Arrival {
  /** `performance.now()` of the test process. */
  readonly at: number;
  readonly keys: Key[];
  /** Each line's `Date.now()` when it was written, by key. */
  readonly written: Map<Key, number>;
}

/** The receiver's requests of spans or logs, in the order they arrived, each decoded. */
export function arrivals(receiver: OtlpReceiver): Arrival[] {
  return receiver.requests.flatMap((request) => {
    const body = decompressed(request);
    const spans: ReceivedSpan[] = request.path.endsWith('/v1/traces') ? decodeSpans(body) : [];
    const logs: ReceivedLog[] = request.path.endsWith('/v1/logs') ? decodeLogs(body) : [];
    if (spans.length + logs.length === 0) return [];
    const written = new Map<Key, number>();
    for (const log of logs) {
      const match = LINE.exec(String(log.body));
      if (match) written.set(`log ${match[1]} ${match[2]}`, Number(match[3]));
    }
    const keys = [...spans.map((s) => spanKey(s.attributes)), ...logs.map((l) => logKey(l.body))].filter((k) => k !== undefined);
    return [{ at: request.receivedAt, keys, written }];
  });
}

/** An invoke phase in the test process's `performance.now()`: from the event to the end of what Lambda bills. */
export interface PhaseWindow {
  readonly requestId: string;
  readonly start: number;
  readonly respondedAt: number;
  readonly end: number;
  /** Billed after the response: the flush, when the invocation sent. */
  readonly afterResponseMs: number;
}

export function phaseWindows(phases: readonly InvokePhase[]): PhaseWindow[] {
  return phases.map((p) => {
    const start = p.respondedAt - p.responseMs;
    return {
      requestId: p.requestId,
      start,
      respondedAt: p.respondedAt,
      end: start + p.billedMs,
      afterResponseMs: p.billedMs - p.responseMs,
    };
  });
}

/** Whether an export request arrived after the phase's response and before its end: the invocation sent. */
export const sent = (phase: PhaseWindow, all: readonly Arrival[]): boolean =>
  all.some((a) => a.at >= phase.respondedAt && a.at <= phase.end);

/** A seeded generator (mulberry32): a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A traffic of `count` invocations drawn from `random`: bursts back to back, then pauses of a few hundred ms
 * and now and then a gap longer than `maxAgeMs`; 1 to 3 lines each, and about one in 150 throws.
 */
export function burstyTraffic(random: () => number, count: number, maxAgeMs: number): Step[] {
  const steps: Step[] = [];
  while (steps.length < count) {
    const burst = Math.min(count - steps.length, 10 + Math.floor(random() * 150));
    for (let k = 0; k < burst; k++) steps.push({ lines: 1 + Math.floor(random() * 3), fail: random() < 1 / 150 });
    const long = random() < 0.2;
    const pauseMs = long ? maxAgeMs + 100 + Math.floor(random() * 400) : 100 + Math.floor(random() * 400);
    steps[steps.length - 1] = { ...steps.at(-1)!, pauseMs };
  }
  return steps;
}

/** `count` invocations at `perSecond`, each one line. */
export const steadyTraffic = (count: number, perSecond: number): Step[] =>
  Array.from({ length: count }, (_, i) => ({ lines: 1, atMs: (i * 1000) / perSecond }));
