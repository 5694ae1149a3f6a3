/**
 * The sampling section: what tail sampling costs and saves per invocation, ours (variants/ours-mix.ts) beside the
 * official setup with its head sampler (variants/official-mix.ts), on a handler mix where the rules matter
 * (variants/mix.ts: a child span, 2 console.debug + 2 console.info lines, 2 % of the invocations throw).
 * Warm CPU with the span and log exporters no-ops and with every exporter real, bytes on the wire per signal,
 * and which invocations reached the wire, every case in fresh processes against one counting sink, rounds
 * interleaved. `npm run bench -- --only=sampling`.
 */
import { decodeLogs, decodeSpans } from '../tools/otlp-decode.ts';
import { decompressed, startLoopbackServer } from '../tools/loopback.ts';
import { bundle, fmt, interleaved, runChild, SIGNALS, type Signal } from './harness.ts';
import { failing } from './variants/mix.ts';

const NAMES = [
  'official, 1.0',
  'official, head 0.01',
  'ours, 1.0',
  'ours, 1.0 + tail rules',
  'ours, 0.01 + tail rules',
  'ours, head 0.01 only',
] as const;
type CaseName = (typeof NAMES)[number];
type Variant = 'ours-mix' | 'official-mix';
const head = (ratio: string) => ({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: ratio });
// Keep-slow stays off (its default): every invocation of the mix takes about as long.
const TAIL = { FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true', FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL: 'info' };
const CASES: Record<CaseName, { variant: Variant; env: Record<string, string> }> = {
  'official, 1.0': { variant: 'official-mix', env: head('1.0') },
  'official, head 0.01': { variant: 'official-mix', env: head('0.01') },
  'ours, 1.0': { variant: 'ours-mix', env: head('1.0') },
  'ours, 1.0 + tail rules': { variant: 'ours-mix', env: { ...head('1.0'), ...TAIL } },
  'ours, 0.01 + tail rules': { variant: 'ours-mix', env: { ...head('0.01'), ...TAIL } },
  'ours, head 0.01 only': { variant: 'ours-mix', env: head('0.01') },
};
const BASE: CaseName = 'official, 1.0';

interface Counted {
  bytes: Record<Signal, number>;
  /** Root spans: one per invocation whose spans were exported. */
  roots: number;
  /** Root spans with an error status: failed invocations whose spans were exported. */
  failedRoots: number;
  records: number;
  invocations: number;
  failures: number;
}
const empty = (): Counted => ({
  bytes: { traces: 0, logs: 0, metrics: 0 },
  roots: 0,
  failedRoots: 0,
  records: 0,
  invocations: 0,
  failures: 0,
});

/** A sink that counts request bytes per signal, root spans (failed ones apart) and log records. */
async function startCountingSink() {
  let counted = empty();
  const sink = await startLoopbackServer({
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      const signal = SIGNALS[request.path as keyof typeof SIGNALS];
      if (!signal) return { status: 404 };
      counted.bytes[signal] += request.body.length;
      if (signal === 'traces') {
        for (const span of decodeSpans(decompressed(request))) {
          if (span.parentSpanId) continue;
          counted.roots += 1;
          if (span.status.code === 2) counted.failedRoots += 1;
        }
      } else if (signal === 'logs') counted.records += decodeLogs(decompressed(request)).length;
      return { status: 200 };
    },
  });
  const take = (): Counted => {
    // The loopback server keeps every request; a warm run sends thousands.
    sink.requests.splice(0);
    const taken = counted;
    counted = empty();
    return taken;
  };
  return { url: sink.url, take, close: sink.close };
}

type Sink = Awaited<ReturnType<typeof startCountingSink>>;
type Files = Record<Variant, string>;

/** child.mjs's warm mode runs 500 warm-up invocations (i = 0..499), then `count` measured ones (i = 0..count-1). */
const WARM_UP = 500;
function failuresIn(count: number): number {
  let failures = 0;
  for (let i = 0; i < Math.max(WARM_UP, count); i++) failures += (i < WARM_UP && failing(i) ? 1 : 0) + (i < count && failing(i) ? 1 : 0);
  return failures;
}

function add(into: Counted, from: Counted) {
  for (const signal of ['traces', 'logs', 'metrics'] as const) into.bytes[signal] += from.bytes[signal];
  into.roots += from.roots;
  into.failedRoots += from.failedRoots;
  into.records += from.records;
  into.invocations += from.invocations;
  into.failures += from.failures;
}

/**
 * Warm CPU per invocation with the span and log exporters no-ops, as the other sections, and metrics off on both
 * sides (neither has a no-op metrics exporter this bench can swap in): the instrumentation and the decision alone.
 */
function warmNoop(files: Files, sink: Sink, quick: boolean) {
  const count = quick ? 1000 : 10000;
  return interleaved(
    quick ? 1 : 5,
    async (name) => {
      const { variant, env } = CASES[name];
      const result = await runChild(files[variant], 'warm', count, sink.url, {
        BENCH_NOOP_EXPORT: '1',
        OTEL_METRICS_EXPORTER: 'none',
        ...env,
      });
      sink.take();
      return result.cpuUsPerInvocation as number;
    },
    NAMES,
  );
}

/** Warm CPU per invocation with every exporter real, and what reached the sink over all rounds (warm-up included). */
async function warmReal(files: Files, sink: Sink, quick: boolean) {
  const count = quick ? 300 : 3000;
  const totals = Object.fromEntries(NAMES.map((name) => [name, empty()])) as Record<CaseName, Counted>;
  const cpu = await interleaved(
    quick ? 1 : 5,
    async (name) => {
      const { variant, env } = CASES[name];
      sink.take();
      const result = await runChild(files[variant], 'warm', count, sink.url, env);
      add(totals[name], { ...sink.take(), invocations: WARM_UP + count, failures: failuresIn(count) });
      return result.cpuUsPerInvocation as number;
    },
    NAMES,
  );
  return { cpu, totals };
}

const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 1)} %`;

/** The section's table (Markdown). */
export async function samplingTable(quick: boolean): Promise<string> {
  const variants: Variant[] = ['ours-mix', 'official-mix'];
  const files = Object.fromEntries(await Promise.all(variants.map(async (v) => [v, (await bundle(v)).outfile] as const))) as Files;
  const sink = await startCountingSink();
  try {
    const noop = await warmNoop(files, sink, quick);
    const { cpu, totals } = await warmReal(files, sink, quick);
    const per = (c: Counted, n: number) => n / c.invocations;
    const traced = (c: Counted) => c.bytes.traces + c.bytes.logs;
    const total = (c: Counted) => traced(c) + c.bytes.metrics;
    const ratio = (value: number, base: number) => `${fmt(value / base, 2)} ×`;
    const rows = NAMES.map((name) => {
      const c = totals[name];
      const base = totals[BASE];
      return `| ${name} | ${fmt(noop[name])} (${ratio(noop[name], noop[BASE])}) | ${fmt(cpu[name])} (${ratio(cpu[name], cpu[BASE])}) | ${fmt(per(c, c.bytes.traces), 0)} | ${fmt(per(c, c.bytes.logs), 0)} | ${fmt(per(c, c.bytes.metrics), 0)} | ${fmt(per(c, traced(c)), 0)} (${ratio(per(c, traced(c)), per(base, traced(base)))}) | ${fmt(per(c, total(c)), 0)} (${ratio(per(c, total(c)), per(base, total(base)))}) | ${pct(c.roots, c.invocations)} | ${pct(c.failedRoots, c.failures)} | ${fmt(per(c, c.records), 2)} |`;
    });
    const runs = totals[BASE].invocations;
    return [
      '| case | warm CPU µs / invocation, span + log exporters no-op, metrics off (÷ official 1.0) | warm CPU µs / invocation, every exporter real (÷ official 1.0) | span bytes / invocation | log bytes / invocation | metrics bytes / invocation | span + log bytes / invocation (÷ official 1.0) | all bytes / invocation (÷ official 1.0) | invocations with spans exported | failed invocations with spans exported | log records / invocation |',
      '|---|---|---|---|---|---|---|---|---|---|---|',
      ...rows,
      '',
      `Warm CPU: medians of ${quick ? 1 : 5} × ${quick ? 1000 : 10000} invocations (exporters no-op) and ${quick ? 1 : 5} × ${quick ? 300 : 3000} (every exporter real) per case, rounds interleaved. Bytes and shares: everything the real runs sent, ${runs} invocations per case (warm-up included), ${totals[BASE].failures} of them failing; Node ${process.version}.`,
    ].join('\n');
  } finally {
    await sink.close();
  }
}
