/**
 * The Lambda table: bundle size, cold start, warm CPU and the time the flush adds at a 0 ms and a 20 ms sink,
 * every variant measured in interleaved rounds and compared with the bare handler.
 */
import { fmt, interleaved, runChild, VARIANTS, type Bundled, type Variant } from './harness.ts';

/** The bundle column: what a cold start loads, and the whole artifact when it holds lazily loaded chunks. */
function bundleCell(b: Bundled): string {
  const cold = `${fmt(b.minKiB)} / ${fmt(b.gzipKiB)}`;
  return b.totalMinKiB > b.minKiB ? `${cold} (artifact ${fmt(b.totalMinKiB)} / ${fmt(b.totalGzipKiB)})` : cold;
}

/** `--only=bundle`: the bundle column alone, every variant built like a deploy artifact. */
export function bundleTable(bundles: Record<Variant, Bundled>): string {
  const rows = ['| variant | loaded at a cold start KiB min / gzip | artifact KiB min / gzip |', '|---|---|---|'];
  for (const v of VARIANTS)
    rows.push(
      `| ${v} | ${fmt(bundles[v].minKiB)} / ${fmt(bundles[v].gzipKiB)} | ${fmt(bundles[v].totalMinKiB)} / ${fmt(bundles[v].totalGzipKiB)} |`,
    );
  return rows.join('\n');
}

/** The table's figures, medians per variant; `runs` says how many runs each median is of. */
async function measure(bundles: Record<Variant, Bundled>, sinks: { fast: string; slow: string }, quick: boolean) {
  const coldRounds = quick ? 3 : 21;
  const coldProcess = await interleaved(coldRounds, async (v) => (await runChild(bundles[v].outfile, 'cold', 1, sinks.fast)).processMs);
  const coldInside = await interleaved(coldRounds, async (v) => (await runChild(bundles[v].outfile, 'cold', 1, sinks.fast)).totalMs);
  const warmCount = quick ? 2000 : 20000;
  const warmCpu = await interleaved(
    quick ? 1 : 5,
    async (v) => (await runChild(bundles[v].outfile, 'warm', warmCount, sinks.fast, { BENCH_NOOP_EXPORT: '1' })).cpuUsPerInvocation,
  );
  const latencyCount = quick ? 20 : 100;
  const latency0 = await interleaved(
    quick ? 1 : 3,
    async (v) => (await runChild(bundles[v].outfile, 'latency', latencyCount, sinks.fast)).medianMs,
  );
  const latency20 = await interleaved(
    quick ? 1 : 3,
    async (v) => (await runChild(bundles[v].outfile, 'latency', latencyCount, sinks.slow)).medianMs,
  );
  const runs = `medians of ${coldRounds} cold starts, ${quick ? 1 : 5} × ${warmCount} warm invocations, ${quick ? 1 : 3} × ${latencyCount} flushes`;
  return { coldProcess, coldInside, warmCpu, latency0, latency20, runs };
}

/** The table, and how many runs its medians are of; `slowHoldMs` is the 20 ms sink's measured hold time. */
export async function lambdaTable(
  bundles: Record<Variant, Bundled>,
  sinks: { fast: string; slow: string; slowHoldMs: () => number },
  quick: boolean,
): Promise<{ table: string; runs: string }> {
  const { coldProcess, coldInside, warmCpu, latency0, latency20, runs } = await measure(bundles, sinks, quick);
  const rows = VARIANTS.map((v) => [
    v,
    bundleCell(bundles[v]),
    `${fmt(coldProcess[v])} (${fmt(coldProcess[v] / coldProcess.bare, 2)}×)`,
    `${fmt(coldInside[v])} (${fmt(coldInside[v] / coldInside.bare, 2)}×)`,
    `${fmt(warmCpu[v])} (+${fmt(warmCpu[v] - warmCpu.bare)})`,
    `${fmt(latency0[v] - latency0.bare, 2)}`,
    `${fmt(latency20[v] - latency20.bare, 2)} (${fmt((latency20[v] - latency20.bare) / sinks.slowHoldMs(), 3)}× sink hold)`,
  ]);
  const header = [
    'variant',
    'bundle KiB min / gzip (loaded at a cold start)',
    'cold start, process ms',
    'cold start, import + 1st invoke ms',
    'warm CPU µs/invocation',
    'flush added ms, sink 0 ms',
    'flush added ms, sink 20 ms',
  ];
  const lines = [`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
  return { table: lines.join('\n'), runs };
}
