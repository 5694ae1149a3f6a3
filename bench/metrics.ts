/**
 * The metrics section: what the built-in FaaS metrics and 10 user instruments cost per invocation, ours beside
 * the official SDK's MeterProvider + PeriodicExportingMetricReader + OTLP proto exporter with a forceFlush per
 * invocation (bench/variants/official-metrics.ts). Warm CPU, bytes on the wire per signal (/v1/metrics apart)
 * and cold start, every case run in fresh processes against one loopback sink.
 * `npm run bench -- --only=metrics` (with the bundle part, metrics-bundle.ts).
 */
import type protobuf from 'protobufjs';
import { decodeMetrics, OTLP_REQUEST_TYPES } from '../tools/otlp-decode.ts';
import { decompressed, startLoopbackServer } from '../tools/loopback.ts';
import { bundle, fmt, interleaved, runChild, SIGNALS, type Signal } from './harness.ts';

const NAMES = [
  'ours, metrics off',
  'ours, FaaS metrics (default)',
  'ours, FaaS + 10 user instruments',
  'official, no metrics',
  'official, 7 FaaS instruments',
  'official, 7 FaaS + 10 user instruments',
] as const;
type CaseName = (typeof NAMES)[number];
interface Case {
  readonly variant: 'ours' | 'ours-meters' | 'official' | 'official-metrics';
  readonly env: Record<string, string>;
  /** The case without metrics of the same library, what "added by metrics" is measured from. */
  readonly base?: CaseName;
}
const CASES: Record<CaseName, Case> = {
  'ours, metrics off': { variant: 'ours', env: { OTEL_METRICS_EXPORTER: 'none' } },
  'ours, FaaS metrics (default)': { variant: 'ours', env: {}, base: 'ours, metrics off' },
  'ours, FaaS + 10 user instruments': { variant: 'ours-meters', env: {}, base: 'ours, metrics off' },
  'official, no metrics': { variant: 'official', env: {} },
  'official, 7 FaaS instruments': { variant: 'official-metrics', env: {}, base: 'official, no metrics' },
  'official, 7 FaaS + 10 user instruments': { variant: 'official-metrics', env: { BENCH_METERS: 'user' }, base: 'official, no metrics' },
};

interface Counted {
  bytes: Record<Signal, number>;
  metricRequests: number;
  points: number;
  /** The resource's bytes in the last metrics request (the rest is scopes, metrics and points). */
  resourceBytes: number;
}
const empty = (): Counted => ({ bytes: { traces: 0, logs: 0, metrics: 0 }, metricRequests: 0, points: 0, resourceBytes: 0 });

/** Bytes of the resource blocks of one metrics request, each re-encoded alone (tag and length included). */
function resourceBytesOf(body: Buffer): number {
  const request = OTLP_REQUEST_TYPES.metrics.decode(body) as protobuf.Message & { resourceMetrics?: protobuf.Message[] };
  let bytes = 0;
  for (const block of request.resourceMetrics ?? []) {
    const type = block.$type as protobuf.Type;
    bytes += type.encode(type.create({ resource: (block as unknown as { resource: unknown }).resource })).finish().length;
  }
  return bytes;
}

/** A sink that counts request bytes per signal and, when asked, decodes metrics requests to count their points. */
async function startCountingSink() {
  let counted = empty();
  let decode = false;
  const sink = await startLoopbackServer({
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      const signal = SIGNALS[request.path as keyof typeof SIGNALS];
      if (!signal) return { status: 404 };
      counted.bytes[signal] += request.body.length;
      if (signal === 'metrics') {
        counted.metricRequests += 1;
        if (decode) {
          const body = decompressed(request);
          for (const metric of decodeMetrics(body)) counted.points += metric.points.length;
          counted.resourceBytes = resourceBytesOf(body);
        }
      }
      return { status: 200 };
    },
  });
  const take = (decodeNext = false): Counted => {
    // The loopback server keeps every request; a warm run sends tens of thousands.
    sink.requests.splice(0);
    const taken = counted;
    counted = empty();
    decode = decodeNext;
    return taken;
  };
  return { url: sink.url, take, close: sink.close };
}

type Sink = Awaited<ReturnType<typeof startCountingSink>>;
type Files = Record<Case['variant'], string>;

/** Warm CPU per invocation: span and log exporters no-ops (as the Lambda table), metrics exported to the sink. */
async function warmCpu(files: Files, sink: Sink, quick: boolean) {
  const count = quick ? 1000 : 10000;
  return interleaved(
    quick ? 1 : 5,
    async (name) => {
      const { variant, env } = CASES[name];
      const result = await runChild(files[variant], 'warm', count, sink.url, { BENCH_NOOP_EXPORT: '1', ...env });
      sink.take();
      return result.cpuUsPerInvocation as number;
    },
    NAMES,
  );
}

/** Cold start, whole process, ms (import + first invocation + flush to the sink, process start and exit included). */
async function coldStart(files: Files, sink: Sink, quick: boolean) {
  return interleaved(
    quick ? 3 : 21,
    async (name) => {
      const { variant, env } = CASES[name];
      const result = await runChild(files[variant], 'cold', 1, sink.url, env);
      sink.take();
      return result.processMs as number;
    },
    NAMES,
  );
}

/** Bytes per invocation and signal over a series (every exporter real), and the CPU with every exporter real. */
async function bytesOf(files: Files, sink: Sink, quick: boolean) {
  const count = quick ? 20 : 200;
  const rows = new Map<string, { counted: Counted; cpuAllReal?: number }>();
  const cases: [string, Case][] = [
    ...NAMES.map((name) => [name, CASES[name]] as [string, Case]),
    ['ours, FaaS + 10 user instruments, gzip', { variant: 'ours-meters', env: { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } }],
    [
      'official, 7 FaaS + 10 user instruments, gzip',
      { variant: 'official-metrics', env: { BENCH_METERS: 'user', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' } },
    ],
  ];
  for (const [name, { variant, env }] of cases) {
    sink.take(true);
    await runChild(files[variant], 'series', count, sink.url, env);
    const counted = sink.take();
    const cpu = await runChild(files[variant], 'warm', quick ? 500 : 3000, sink.url, env);
    sink.take();
    rows.set(name, { counted, cpuAllReal: cpu.cpuUsPerInvocation });
  }
  return { rows, count };
}

/** The section's tables (Markdown). */
export async function metricsTable(quick: boolean): Promise<string> {
  const variants = ['ours', 'ours-meters', 'official', 'official-metrics'] as const;
  const files = Object.fromEntries(await Promise.all(variants.map(async (v) => [v, (await bundle(v)).outfile] as const))) as Files;
  const sink = await startCountingSink();
  try {
    const cpu = await warmCpu(files, sink, quick);
    const cold = await coldStart(files, sink, quick);
    const { rows, count } = await bytesOf(files, sink, quick);
    const added = (figures: Record<CaseName, number>, name: CaseName, digits: number) => {
      const base = CASES[name].base;
      return base ? ` (+${fmt(figures[name] - figures[base], digits)})` : '';
    };
    const per = (n: number) => fmt(n / count, 0);
    const cpuTable = [
      '| case | warm CPU µs / invocation (spans, logs no-op; metrics to the sink) | cold start, process ms | metrics bytes / invocation | of which resource (uncompressed) | metrics requests / invocation | data points / invocation | all signals bytes / invocation | CPU µs / invocation, every exporter real |',
      '|---|---|---|---|---|---|---|---|---|',
      ...[...rows].map(([name, { counted, cpuAllReal }]) => {
        const known = name in CASES ? (name as CaseName) : undefined;
        const all = counted.bytes.traces + counted.bytes.logs + counted.bytes.metrics;
        return `| ${name} | ${known ? fmt(cpu[known]) + added(cpu, known, 1) : '—'} | ${known ? fmt(cold[known]) + added(cold, known, 1) : '—'} | ${per(counted.bytes.metrics)} | ${counted.resourceBytes} | ${fmt(counted.metricRequests / count, 2)} | ${fmt(counted.points / count, 1)} | ${per(all)} | ${fmt(cpuAllReal ?? NaN)} |`;
      }),
    ];
    const ratio = (ours: CaseName, official: CaseName, figures: Record<CaseName, number>) => {
      const oursAdded = figures[ours] - figures[CASES[ours].base!];
      const officialAdded = figures[official] - figures[CASES[official].base!];
      return fmt(officialAdded / oursAdded, 2);
    };
    const bytesPer = (name: CaseName) => rows.get(name)!.counted.bytes.metrics;
    const summary = [
      '',
      `Official ÷ ours, what metrics add: warm CPU ${ratio('ours, FaaS metrics (default)', 'official, 7 FaaS instruments', cpu)}× (FaaS metrics), ${ratio('ours, FaaS + 10 user instruments', 'official, 7 FaaS + 10 user instruments', cpu)}× (FaaS + 10 user); metrics bytes ${fmt(bytesPer('official, 7 FaaS instruments') / bytesPer('ours, FaaS metrics (default)'), 2)}× and ${fmt(bytesPer('official, 7 FaaS + 10 user instruments') / bytesPer('ours, FaaS + 10 user instruments'), 2)}×.`,
      `Medians of ${quick ? 1 : 5} × ${quick ? 1000 : 10000} warm invocations and ${quick ? 3 : 21} cold starts per case, rounds interleaved; bytes over ${count} invocations in one process; Node ${process.version}.`,
    ];
    return [...cpuTable, ...summary].join('\n');
  } finally {
    await sink.close();
  }
}
