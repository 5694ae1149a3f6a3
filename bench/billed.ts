/**
 * The billed section: what each invocation adds to the billed duration under the Runtime API emulator (frozen at
 * every /next, with the Extensions API), for a bare handler, ours flushing after the response (the default), ours
 * batched (`FAAS_OBSERVABILITY_DELIVERY=batched`) and the official setup, against a sink answering in 20 and in
 * 100 ms, at 1, 10 and 100 invocations per second on a fixed schedule. The added time of an invocation is its
 * invoke phase minus the bare handler's median phase in the same cell. `npm run bench -- --only=billed`.
 */
import { LINES, measureEnvironment, type Measured } from './billed-run.ts';
import { bundle, OUT } from './harness.ts';

const ROWS = [
  ['bare', 'bare', {}],
  ['ours, flush after the response (default)', 'ours', {}],
  ['ours, batched', 'ours', { FAAS_OBSERVABILITY_DELIVERY: 'batched' }],
  ['official', 'official', {}],
] as const;
const SINKS_MS = [20, 100] as const;
const RATES = [1, 10, 100] as const;
type Rate = (typeof RATES)[number];
/** Per rate: invocations left out first (the cold start, the schedule settling), then those measured. */
const COUNTS: Record<'full' | 'quick', Record<Rate, { warmUp: number; count: number }>> = {
  full: { 1: { warmUp: 2, count: 25 }, 10: { warmUp: 5, count: 100 }, 100: { warmUp: 10, count: 300 } },
  quick: { 1: { warmUp: 1, count: 4 }, 10: { warmUp: 3, count: 20 }, 100: { warmUp: 5, count: 50 } },
};
interface Cell {
  readonly sinkMs: number;
  readonly rate: Rate;
}
const CELLS: Cell[] = SINKS_MS.flatMap((sinkMs) => RATES.map((rate) => ({ sinkMs, rate })));
const keyOf = (label: string, cell: Cell) => `${label}@${cell.sinkMs}@${cell.rate}`;

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const fmt = (n: number, digits = 2) => n.toFixed(digits);

/**
 * Every row in every cell, one environment each. A cell is a round: the rows run in turn, back to back, their
 * order rotated from cell to cell, so machine noise hits all alike. One environment per row and cell (not
 * several short ones) because batched delivery sends what it still holds at shutdown, outside any invoke phase.
 */
async function measureAll(quick: boolean): Promise<Map<string, Measured>> {
  const results = new Map<string, Measured>();
  for (const [index, cell] of CELLS.entries()) {
    for (let r = 0; r < ROWS.length; r++) {
      const [label, variant, env] = ROWS[(r + index) % ROWS.length]!;
      const counts = COUNTS[quick ? 'quick' : 'full'][cell.rate];
      results.set(keyOf(label, cell), await measureEnvironment({ dir: OUT, variant, env, ...cell, ...counts }));
    }
  }
  return results;
}

/** Added billed ms per invocation (median / mean): one line per row, one column per cell. */
function summaryTable(results: Map<string, Measured>): string {
  const header = ['added billed ms per invocation, median / mean', ...CELLS.map((c) => `sink ${c.sinkMs} ms, ${c.rate}/s`)];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const [label] of ROWS) {
    const cells = CELLS.map((cell) => {
      const base = median(results.get(keyOf('bare', cell))!.billedMs);
      const added = results.get(keyOf(label, cell))!.billedMs.map((b) => b - base);
      return `${fmt(median(added))} / ${fmt(mean(added))}`;
    });
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One detail line: the row in one cell. */
function detailLine(label: string, cell: Cell, m: Measured, bare: Measured): string {
  const base = median(bare.billedMs);
  const added = m.billedMs.map((b) => b - base);
  const records = label === 'bare' ? '—' : `${m.reached} / ${m.produced}${m.atShutdown ? ` (${m.atShutdown} at shutdown)` : ''}`;
  return `| ${[
    label,
    cell.sinkMs,
    `${cell.rate} (${fmt(m.achievedRate, 1)})`,
    m.billedMs.length,
    fmt(median(m.billedMs)),
    fmt(median(added)),
    fmt(mean(added)),
    fmt(Math.max(...added)),
    fmt(median(m.responseMs) - median(bare.responseMs)),
    m.sending,
    records,
    label === 'bare' ? '—' : fmt(m.maxDelayMs, 0),
  ].join(' | ')} |`;
}

function detailTable(results: Map<string, Measured>): string {
  const header = [
    'setup',
    'sink ms',
    'rate /s (achieved)',
    'invocations',
    'billed ms, median',
    'added, median',
    'added, mean',
    'added, max',
    'response added, median',
    'invocations that sent',
    'log records reached / written',
    'max record delay ms',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const cell of CELLS) {
    const bare = results.get(keyOf('bare', cell))!;
    for (const [label] of ROWS) lines.push(detailLine(label, cell, results.get(keyOf(label, cell))!, bare));
  }
  return lines.join('\n');
}

/**
 * The section (Markdown): the summary, the detail, and how it was measured.
 *
 * @example
 * console.log(await billedTable(true));
 */
export async function billedTable(quick: boolean): Promise<string> {
  await Promise.all(['bare', 'ours', 'official'].map((variant) => bundle(variant)));
  const results = await measureAll(quick);
  const holds = SINKS_MS.map((sinkMs) => {
    const all = CELLS.filter((c) => c.sinkMs === sinkMs).flatMap((c) => ROWS.flatMap(([label]) => results.get(keyOf(label, c))!.holdsMs));
    return `${sinkMs} ms sink: ${all.length ? fmt(median(all)) : '—'} ms`;
  });
  const counts = COUNTS[quick ? 'quick' : 'full'];
  const runs = RATES.map((rate) => `${counts[rate].count} at ${rate}/s (after ${counts[rate].warmUp})`).join(', ');
  return [
    summaryTable(results),
    '',
    detailTable(results),
    '',
    `Added: each invocation's invoke phase (from the event until the runtime and every extension asked for the next one: what Lambda bills) minus the bare handler's median phase in the same cell; the bare line's mean is its own spread. Invocation i starts at t0 + i/rate, or when the previous one returned if later; one environment per setup and cell, frozen at every /next, measured invocations ${runs}; the handler writes ${LINES} console lines per invocation. Invocations that sent: a request reached the sink during their phase. Records: the handler's log records the sink answered for (one whose client gave up is not kept), of those written (warm-up included), and how many only at shutdown (SIGTERM, after the last phase); delay: from a record's timestamp to its request's arrival. Real hold per request: ${holds.join(', ')} (median). Node ${process.version}.`,
  ].join('\n');
}
