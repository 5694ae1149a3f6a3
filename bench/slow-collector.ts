/**
 * A slow collector, against the flush budget's defaults (part of the billed section): ours per invocation
 * (budget 1000 ms), the same with the Loki fallback configured (OTLP logs get half: 475 ms), ours batched
 * (3000 ms) and the official setup, against a collector answering in 500 and in 1500 ms, 30 invocations at 2 per
 * second under the Runtime API emulator, then a graceful stop (SIGTERM). Per cell: where the handler's log records
 * went (the collector, Loki, stdout JSON lines, nowhere) and the time added per invocation, billed and waited for.
 * `npm run bench -- --only=slow-collector`.
 */
import { isHandlerLine, measureEnvironment, LINES, type Measured } from './billed-run.ts';
import { bundle, OUT } from './harness.ts';
import { decompressed, startLoopbackServer, type LoopbackRequest } from '../tools/loopback.ts';

const ROWS = [
  { label: 'bare', variant: 'bare', env: {}, loki: false },
  { label: 'ours, per invocation (budget 1000 ms)', variant: 'ours', env: {}, loki: false },
  { label: 'ours, per invocation, Loki fallback (OTLP logs 475 ms)', variant: 'ours', env: {}, loki: true },
  { label: 'ours, batched (budget 3000 ms)', variant: 'ours', env: { FAAS_OBSERVABILITY_DELIVERY: 'batched' }, loki: false },
  { label: 'official (flush before the response)', variant: 'official', env: {}, loki: false },
] as const;
type Row = (typeof ROWS)[number];
const COLLECTORS_MS = [500, 1500] as const;
const RATE = 2;
const COUNT = { full: 30, quick: 10 } as const;

/** One environment's outcome: the emulator's figures, and the handler's records found at each place. */
interface Outcome {
  readonly m: Measured;
  readonly loki: string[];
  readonly stdout: string[];
  /** Undelivered spans on stdout (the traces chain: OTLP, then stdout). */
  readonly spanLines: number;
}

/** The fallback's JSON lines on stdout: the handler's records (as `timeNs|body`) and the spans. */
function fallbackLines(stdout: string): { records: string[]; spanLines: number } {
  const records: string[] = [];
  let spanLines = 0;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('{"undelivered_span"')) spanLines += 1;
    if (!line.startsWith('{"undelivered_log_record"')) continue;
    const record = JSON.parse(line) as { time_unix_nano: string; body: unknown };
    if (isHandlerLine(record.body)) records.push(`${record.time_unix_nano}|${String(record.body)}`);
  }
  return { records, spanLines };
}

/** The handler's records in Loki JSON pushes (`streams[].values[][ns, line, metadata]`), the library's default format. */
function lokiRecords(requests: readonly LoopbackRequest[]): string[] {
  const body = (request: LoopbackRequest) => JSON.parse(decompressed(request).toString('utf8')) as { streams: { values: string[][] }[] };
  return requests
    .flatMap((request) => body(request).streams.flatMap((stream) => stream.values))
    .filter(([, line]) => isHandlerLine(line))
    .map(([ns, line]) => `${ns}|${line}`);
}

/** One row against one collector: its environment, and (for the Loki row) a Loki stand-in that accepts at once. */
async function measureRow(row: Row, collectorMs: number, count: number): Promise<Outcome> {
  const pushes: LoopbackRequest[] = [];
  const accept = (request: LoopbackRequest) => {
    pushes.push(request);
    return { status: 204 };
  };
  const loki = row.loki ? await startLoopbackServer({ handle: accept }) : undefined;
  try {
    const env = loki ? { ...row.env, FAAS_OBSERVABILITY_LOKI_URL: loki.url } : row.env;
    const m = await measureEnvironment({ dir: OUT, variant: row.variant, env, sinkMs: collectorMs, rate: RATE, warmUp: 0, count });
    const { records, spanLines } = fallbackLines(m.stdout);
    return { m, loki: lokiRecords(pushes), stdout: records, spanLines };
  } finally {
    await loki?.close();
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const median = (values: number[]) => sorted(values)[Math.floor(values.length / 2)]!;
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
const fmt = (n: number, digits = 0) => n.toFixed(digits);

/** Records at the collector / Loki / stdout, and lost (written, found nowhere); duplicates when any. */
function recordsCell(o: Outcome): string {
  const found = new Set([...o.m.reachedKeys, ...o.loki, ...o.stdout]);
  const sum = o.m.reachedKeys.length + o.loki.length + o.stdout.length;
  const duplicates = sum > found.size ? ` (${sum - found.size} twice)` : '';
  return `${o.m.reached} / ${o.loki.length} / ${o.stdout.length} / ${o.m.produced - found.size}${duplicates}`;
}

const added = (o: Outcome, bare: Outcome) => o.m.billedMs.map((b) => b - median(bare.m.billedMs));
const key = (row: Row, collectorMs: number) => `${row.label}@${collectorMs}`;

function summaryTable(results: Map<string, Outcome>): string {
  const header = ['setup'].concat(
    COLLECTORS_MS.flatMap((ms) => [
      `collector ${ms} ms: records collector / Loki / stdout / lost`,
      'added billed ms, mean',
      'response ms, mean',
    ]),
  );
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of ROWS.slice(1)) {
    const cells = COLLECTORS_MS.flatMap((ms) => {
      const o = results.get(key(row, ms))!;
      return [recordsCell(o), fmt(mean(added(o, results.get(key(ROWS[0], ms))!)), 1), fmt(mean(o.m.responseMs), 1)];
    });
    lines.push(`| ${row.label} | ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

function detailTable(results: Map<string, Outcome>): string {
  const header = ['setup', 'collector ms', 'rate /s (achieved)', 'added billed ms, median / mean / max', 'response ms, median / max'];
  header.push(
    'invocations that sent',
    'log requests answered / arrived',
    'records at shutdown',
    'span lines on stdout',
    'max record delay ms',
  );
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const ms of COLLECTORS_MS) {
    const bare = results.get(key(ROWS[0], ms))!;
    for (const row of ROWS) {
      const o = results.get(key(row, ms))!;
      const a = added(o, bare);
      lines.push(
        `| ${[
          row.label,
          ms,
          `${RATE} (${fmt(o.m.achievedRate, 2)})`,
          `${fmt(median(a), 1)} / ${fmt(mean(a), 1)} / ${fmt(Math.max(...a), 1)}`,
          `${fmt(median(o.m.responseMs), 1)} / ${fmt(Math.max(...o.m.responseMs), 1)}`,
          o.m.sending,
          `${o.m.logRequests.answered} / ${o.m.logRequests.arrived}`,
          o.m.atShutdown,
          o.spanLines,
          o.m.reached ? fmt(o.m.maxDelayMs) : '—',
        ].join(' | ')} |`,
      );
    }
  }
  return lines.join('\n');
}

/**
 * The table (Markdown): the summary, the detail, and how it was measured. Rows run back to back within a
 * collector's cell, their order rotated from cell to cell; the bare row gives the baseline of the added time.
 *
 * @example
 * console.log(await slowCollectorTable(false));
 */
export async function slowCollectorTable(quick: boolean): Promise<string> {
  await Promise.all(['bare', 'ours', 'official'].map((variant) => bundle(variant)));
  const count = COUNT[quick ? 'quick' : 'full'];
  const results = new Map<string, Outcome>();
  for (const [index, ms] of COLLECTORS_MS.entries()) {
    for (let r = 0; r < ROWS.length; r++) {
      const row = ROWS[(r + index) % ROWS.length]!;
      results.set(key(row, ms), await measureRow(row, ms, count));
    }
  }
  const holds = COLLECTORS_MS.map((ms) => {
    const all = ROWS.flatMap((row) => results.get(key(row, ms))!.m.holdsMs);
    return `${ms} ms: ${all.length ? fmt(median(all), 1) : '—'} ms`;
  });
  return [
    summaryTable(results),
    '',
    detailTable(results),
    '',
    `${count} invocations at ${RATE}/s (invocation i at t0 + i/${RATE} s, or when the previous one returned if later), all measured (the first, with its cold start and first timeout, included), then SIGTERM; ${count * LINES} log records written (${LINES} console lines per invocation). Records: the handler's log records the collector answered for (a request whose client timed out first is not kept), pushed to Loki (a loopback stand-in answering 204 at once), written to stdout as \`{"undelivered_log_record"…}\` lines, and lost (found nowhere). Added billed: the invoke phase (event to the last /next) minus the bare handler's median phase in the same cell; response: event to the runtime's POST of the response (what the caller waits for). Invocations that sent: a request reached the collector during their phase. Real hold per answered request: ${holds.join(', ')} (median). Node ${process.version}.`,
  ].join('\n');
}
