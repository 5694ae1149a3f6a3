import { bundle, fmt, runChild, type Bundles } from './harness.ts';

/** Memory over many invocations (no network: no-op exporters), and the streaming response path. */
export async function memoryAndStreamingTables(bundles: Bundles, sinkUrl: string, quick: boolean): Promise<string> {
  const count = quick ? 20_000 : 100_000;
  const rows = [
    `| variant | heap after ${count / 10} invocations MB | heap after ${count} MB | growth MB | peak RSS MB |`,
    '|---|---|---|---|---|',
  ];
  for (const variant of ['bare', 'ours', 'official', 'instrumented'] as const) {
    const r = await runChild(bundles[variant].outfile, 'memory', count, sinkUrl, { BENCH_NOOP_EXPORT: '1' });
    rows.push(`| ${variant} | ${fmt(r.heapWarmMb)} | ${fmt(r.heapEndMb)} | ${fmt(r.heapEndMb - r.heapWarmMb, 2)} | ${fmt(r.peakRssMb)} |`);
  }
  rows.push('', '| streaming variant | stream ended, median ms | handler settled, median ms |', '|---|---|---|');
  const stream: Record<string, { endMedianMs: number; settleMedianMs: number }> = {};
  for (const variant of ['stream-bare', 'stream-ours']) {
    const { outfile } = await bundle(variant);
    stream[variant] = await runChild(outfile, 'stream', quick ? 100 : 500, sinkUrl);
    rows.push(`| ${variant} | ${fmt(stream[variant]!.endMedianMs, 3)} | ${fmt(stream[variant]!.settleMedianMs, 3)} |`);
  }
  rows.push(
    `\nStreaming response path added by telemetry (median, until the stream ended): ${fmt((stream['stream-ours']!.endMedianMs - stream['stream-bare']!.endMedianMs) * 1000, 0)} µs; the flush (to the 20 ms sink) comes after.`,
  );
  return rows.join('\n');
}
