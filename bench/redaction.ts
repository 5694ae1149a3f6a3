/**
 * The redaction section: what redaction costs per console call through the wrapped handler, for five line shapes
 * (variants/redaction-lines.ts), with the plain bridge (`redact: false`), redaction by default and with
 * `redact: { stdout: true }`, beside the bare handler and the official setup (text and object lines: they redact
 * nothing); then what it adds to a default cold start (redaction-bundle.ts for the bytes).
 * Warm CPU with the span and log exporters no-ops and metrics off, every case in fresh processes, rounds
 * interleaved. `npm run bench -- --only=redaction`.
 */
import { bundle, fmt, OUT, runChild, startSink } from './harness.ts';
import { redactionBundles, BEFORE_REDACTION } from './redaction-bundle.ts';

const COLUMNS = {
  bare: { variant: 'redaction-bare', env: {} },
  official: { variant: 'redaction-official', env: {} },
  'ours, plain bridge (redact: false)': { variant: 'redaction-ours', env: { BENCH_REDACT: 'off' } },
  'ours, redaction (default)': { variant: 'redaction-ours', env: { BENCH_REDACT: 'default' } },
  'ours, redaction + stdout: true': { variant: 'redaction-ours', env: { BENCH_REDACT: 'stdout' } },
} as const;
type Column = keyof typeof COLUMNS;
const PLAIN: Column = 'ours, plain bridge (redact: false)';
const OURS: readonly Column[] = [PLAIN, 'ours, redaction (default)', 'ours, redaction + stdout: true'];
const SHAPES = {
  text: "`console.log('order 7 shipped')`",
  object: "`console.log('order', { id: 7, total: 12.5, items: ['a', 'b'] })`",
  event: '`console.log(event)`: API Gateway v2, 2.1 KB printed, `authorization`, `x-api-key`, cookies',
  login: "`console.log(JSON.stringify({ user: 'bob', password: '…', … }))`",
  error: '`console.log(error)`: an Error whose message holds `Authorization: Bearer …`',
} as const;
type Shape = keyof typeof SHAPES;
// The peers redact nothing: their lines are the two that need no redaction.
const PEER_SHAPES: readonly Shape[] = ['text', 'object'];
const LINES = 50;

const columnsOf = (shape: Shape | 'none'): Column[] =>
  shape === 'none' || PEER_SHAPES.includes(shape) ? (Object.keys(COLUMNS) as Column[]) : [...OURS];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Warm CPU per invocation of every (column, shape) pair, `none` included, one sample per round. */
async function warmSamples(files: Record<string, string>, sinkUrl: string, quick: boolean) {
  const rounds = quick ? 1 : 7;
  const count = quick ? 50 : 400;
  const cases = (['none', ...Object.keys(SHAPES)] as (Shape | 'none')[]).flatMap((shape) =>
    columnsOf(shape).map((column) => ({ column, shape })),
  );
  const samples = new Map<string, number[]>(cases.map(({ column, shape }) => [`${column}/${shape}`, []]));
  for (let round = 0; round < rounds; round++) {
    for (const { column, shape } of cases) {
      const { variant, env } = COLUMNS[column];
      const result = await runChild(files[variant]!, 'warm', count, sinkUrl, {
        BENCH_NOOP_EXPORT: '1',
        OTEL_METRICS_EXPORTER: 'none',
        BENCH_LINE: shape,
        BENCH_LINES: String(LINES),
        ...env,
      });
      samples.get(`${column}/${shape}`)!.push(result.cpuUsPerInvocation as number);
    }
  }
  return { samples, rounds, count };
}

/** µs per console call in each round: the invocation with the lines less the invocation without, over the lines. */
function perCall(samples: Map<string, number[]>, column: Column, shape: Shape): number[] {
  const none = samples.get(`${column}/none`)!;
  return samples.get(`${column}/${shape}`)!.map((us, round) => (us - none[round]!) / LINES);
}

function perCallTable(samples: Map<string, number[]>): string {
  const columns = Object.keys(COLUMNS) as Column[];
  const rows = (Object.keys(SHAPES) as Shape[]).map((shape) => {
    const plain = perCall(samples, PLAIN, shape);
    const cells = columns.map((column) => {
      if (!columnsOf(shape).includes(column)) return '—';
      const calls = perCall(samples, column, shape);
      // The ratio of each round's pair, then their median: both ran back to back in that round.
      return `${fmt(median(calls), 2)} (${fmt(median(calls.map((us, round) => us / plain[round]!)), 2)} ×)`;
    });
    return `| ${SHAPES[shape]} | ${cells.join(' | ')} |`;
  });
  return [`| line | ${columns.join(' | ')} |`, `|---|${columns.map(() => '---|').join('')}`, ...rows].join('\n');
}

const COLD = {
  'ours, redaction on (default)': {},
  'ours, FAAS_OBSERVABILITY_REDACT=false': { FAAS_OBSERVABILITY_REDACT: 'false' },
  [`ours before redaction (${BEFORE_REDACTION})`]: {},
} as Record<string, Record<string, string>>;

/** Cold starts (import + first invocation + flush to the sink), every case once per round, the order rotated each round. */
async function coldStarts(files: Record<string, string>, sinkUrl: string, quick: boolean) {
  const rounds = quick ? 3 : 101;
  const names = Object.keys(COLD);
  const FIGURES = ['processMs', 'importMs', 'firstInvokeMs'] as const;
  const runs = new Map(names.map((name) => [name, { processMs: [] as number[], importMs: [] as number[], firstInvokeMs: [] as number[] }]));
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      const result = await runChild(files[name]!, 'cold', 1, sinkUrl, COLD[name]!);
      for (const figure of FIGURES) runs.get(name)![figure].push(result[figure] as number);
    }
  }
  const on = runs.get(names[0]!)!;
  // Each round's pair ran in the same round: the median of the differences, not the difference of the medians.
  const diff = (a: number[], b: number[]) => fmt(median(a.map((value, round) => value - b[round]!)), 2);
  const inProcess = (r: typeof on) => r.importMs.map((ms, round) => ms + r.firstInvokeMs[round]!);
  const rows = names.map((name, index) => {
    const r = runs.get(name)!;
    const paired = index === 0 ? '— | —' : `${diff(on.processMs, r.processMs)} | ${diff(inProcess(on), inProcess(r))}`;
    return `| ${name} | ${fmt(median(r.processMs))} | ${fmt(median(r.importMs), 2)} | ${fmt(median(r.firstInvokeMs), 2)} | ${paired} |`;
  });
  return {
    rounds,
    table: [
      '| cold start | process ms | import ms | 1st invocation ms | redaction on − this, process ms (median of the pairs) | redaction on − this, import + 1st invocation ms |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n'),
  };
}

/** The section's tables (Markdown). */
export async function redactionTable(quick: boolean): Promise<string> {
  const variants = ['redaction-bare', 'redaction-official', 'redaction-ours', 'ours'];
  const files = Object.fromEntries(await Promise.all(variants.map(async (v) => [v, (await bundle(v)).outfile] as const)));
  const { table: bundles, lambdaBefore } = await redactionBundles(OUT);
  const sink = await startSink(0);
  try {
    const { samples, rounds, count } = await warmSamples(files, sink.url, quick);
    const cold = await coldStarts(
      {
        'ours, redaction on (default)': files.ours!,
        'ours, FAAS_OBSERVABILITY_REDACT=false': files.ours!,
        [`ours before redaction (${BEFORE_REDACTION})`]: lambdaBefore,
      },
      sink.url,
      quick,
    );
    return [
      "Warm CPU µs per console call (÷ the plain bridge, median of the rounds' ratios)",
      '',
      perCallTable(samples),
      '',
      `${rounds} rounds × ${count} warm invocations of ${LINES} lines per case, rounds interleaved; per call: (the invocation with its lines − the same invocation without lines) ÷ ${LINES}, span and log exporters no-ops, metrics off, stdout to /dev/null. Node ${process.version}.`,
      '',
      cold.table,
      '',
      `Medians of ${cold.rounds} fresh processes per case, rounds interleaved (the order rotated each round); the bench handler (5 console lines), every exporter to the loopback sink.`,
      '',
      bundles,
    ].join('\n');
  } finally {
    await sink.close();
  }
}
