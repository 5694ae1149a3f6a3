/**
 * One measured environment for the billed section (billed.ts): a bundled variant under the Runtime API emulator
 * (frozen at every /next, with the Extensions API), invoked on a fixed schedule against a sink of its own that
 * holds every answer, then retired as Lambda retires an environment. What each invoke phase billed, and what
 * reached the sink.
 */
import { join } from 'node:path';
import { RuntimeApiServer, type InvokePhase } from '../tools/lambda-runtime/runtime-api-server.ts';
import { decompressed, startLoopbackServer, type LoopbackRequest } from '../tools/loopback.ts';
import { decodeLogs } from '../tools/otlp-decode.ts';

/** Console lines the handler writes per invocation (the variants read `event.lines`). */
export const LINES = 2;

export interface Environment {
  /** `<dir>/<variant>/<variant>.mjs`, as bundle.ts writes it. */
  readonly dir: string;
  readonly variant: string;
  readonly env: Readonly<Record<string, string>>;
  /** How long the sink holds each request before it answers, in ms. */
  readonly sinkMs: number;
  /** Invocations per second the schedule aims at. */
  readonly rate: number;
  /** Invocations run first and left out of the figures: the cold start, and the schedule settling. */
  readonly warmUp: number;
  readonly count: number;
}

export interface Measured {
  /** Per measured invocation: the invoke phase (event to the last /next) and the response, in ms. */
  readonly billedMs: number[];
  readonly responseMs: number[];
  /** Measured invocations per second actually achieved (below the rate when an invocation outlasts its slot). */
  readonly achievedRate: number;
  /** Measured invocations during whose invoke phase a request reached the sink: those that sent. */
  readonly sending: number;
  /** Console lines written (warm-up included) and the log records of theirs that reached the sink. */
  readonly produced: number;
  readonly reached: number;
  /** Of those, how many arrived after the last invoke phase: sent while the environment shut down. */
  readonly atShutdown: number;
  /** The longest time from a record's timestamp (the console call) to its request's arrival, in ms. */
  readonly maxDelayMs: number;
  /** How long the sink really held each request (timers fire late), in ms. */
  readonly holdsMs: number[];
  /** The handler's records the sink took, each as `timeNs|body` (to match the same record elsewhere). */
  readonly reachedKeys: string[];
  /** Log requests that reached the sink, and those it answered (the others' client gave up: timed out). */
  readonly logRequests: { readonly arrived: number; readonly answered: number };
  /** Everything the function wrote to stdout, the fallback's JSON lines among it. */
  readonly stdout: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts invocation i at t0 + i/rate, or as soon as the previous one returned if that is later; resolves with
 * the rate achieved over the measured ones (from the first measured start to the last).
 */
async function onSchedule(lambda: RuntimeApiServer, rate: number, total: number, warmUp: number): Promise<number> {
  const t0 = performance.now();
  let firstStart = t0;
  let lastStart = t0;
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await sleep(wait);
    lastStart = performance.now();
    if (i === warmUp) firstStart = lastStart;
    const result = await lambda.invoke({ i, lines: LINES });
    if (result.status !== 'success') throw new Error(`invocation ${i} ended ${result.status}: ${result.payload}`);
  }
  await lambda.idle();
  return ((total - warmUp - 1) * 1000) / (lastStart - firstStart);
}

/** Whether a record body is one of the handler's console lines (not the library's own diagnostics). */
export const isHandlerLine = (body: unknown) => String(body).startsWith('processing item');

/** The handler's own log records in the requests the sink answered: count, after a time, longest delay, keys. */
function recordsIn(answered: readonly LoopbackRequest[], lastPhaseEnd: number) {
  let atShutdown = 0;
  let maxDelayMs = 0;
  const reachedKeys: string[] = [];
  for (const request of answered) {
    if (request.path !== '/v1/logs') continue;
    const arrivedMs = performance.timeOrigin + request.receivedAt;
    for (const record of decodeLogs(decompressed(request))) {
      if (!isHandlerLine(record.body)) continue;
      reachedKeys.push(`${record.timeNs}|${String(record.body)}`);
      if (request.receivedAt > lastPhaseEnd) atShutdown += 1;
      maxDelayMs = Math.max(maxDelayMs, arrivedMs - Number(BigInt(record.timeNs) / 1_000_000n));
    }
  }
  return { reached: reachedKeys.length, atShutdown, maxDelayMs, reachedKeys };
}

/** How many phases saw a request arrive between their event and their end. */
function phasesSending(phases: readonly InvokePhase[], requests: readonly LoopbackRequest[]): number {
  return phases.filter((phase) => {
    const started = phase.respondedAt - phase.responseMs;
    return requests.some((request) => request.receivedAt >= started && request.receivedAt <= started + phase.billedMs);
  }).length;
}

/**
 * A sink that holds each request `sinkMs` before answering, and notes how long it really held it and which
 * requests it answered: one whose client gave up first (an export timeout) is not answered and, as at the
 * collector's receiver, not kept.
 */
function startHoldingSink(sinkMs: number, holdsMs: number[], answered: LoopbackRequest[]) {
  return startLoopbackServer({
    behaviour: { latencyMs: sinkMs },
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      holdsMs.push(performance.now() - request.receivedAt);
      answered.push(request);
      return { status: 200 };
    },
  });
}

/**
 * Runs one environment: `warmUp + count` invocations on the schedule, then a graceful stop (SIGTERM when an
 * extension registered, as Lambda shuts an environment down), so what a setup still holds can leave.
 *
 * @example
 * const m = await measureEnvironment({ dir: 'bench/.out', variant: 'ours', env: {}, sinkMs: 20, rate: 10, warmUp: 5, count: 100 });
 */
export async function measureEnvironment(run: Environment): Promise<Measured> {
  const holdsMs: number[] = [];
  const answered: LoopbackRequest[] = [];
  const sink = await startHoldingSink(run.sinkMs, holdsMs, answered);
  const lambda = await RuntimeApiServer.start({
    taskRoot: join(run.dir, run.variant),
    handler: `${run.variant}.handler`,
    functionName: 'bench',
    memoryMb: 1024,
    timeoutMs: 30_000,
    onOutput: () => {},
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, ...run.env },
  });
  try {
    const total = run.warmUp + run.count;
    const achievedRate = await onSchedule(lambda, run.rate, total, run.warmUp);
    const lastPhaseEnd = performance.now();
    if (lambda.phases.length !== total) throw new Error(`${lambda.phases.length} invoke phases for ${total} invocations`);
    const phases = lambda.phases.slice(run.warmUp);
    await lambda.stop();
    // What the process wrote just before it exited may still be in the pipe.
    await sleep(200);
    const isLogs = (request: LoopbackRequest) => request.path === '/v1/logs';
    return {
      billedMs: phases.map((p) => p.billedMs),
      responseMs: phases.map((p) => p.responseMs),
      achievedRate,
      sending: phasesSending(phases, sink.requests),
      produced: total * LINES,
      ...recordsIn(answered, lastPhaseEnd),
      holdsMs,
      logRequests: { arrived: sink.requests.filter(isLogs).length, answered: answered.filter(isLogs).length },
      stdout: lambda.output
        .filter((chunk) => chunk.stream === 'stdout')
        .map((chunk) => chunk.text)
        .join(''),
    };
  } finally {
    await lambda.stop({ graceful: false });
    await sink.close();
  }
}
