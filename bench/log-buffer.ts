import { bundleVariant } from './bundle.ts';
import { fmt, OUT, runChild } from './harness.ts';

/**
 * One `console.log('body', { Body: buffer })` of a 10 MB Buffer, in a fresh process per run, bare and wrapped:
 * the invocation's time (flush included), the same invocation without the Buffer (the Buffer's cost is the
 * difference) and the peak RSS. Before the inspection read only what it prints,
 * the wrapped call copied the whole Buffer into an array (seconds, hundreds of MB).
 */
export async function logBufferTable(sinkUrl: string, quick: boolean): Promise<string> {
  const megabytes = 10;
  const rounds = quick ? 1 : 3;
  const rows = [
    `| variant | invocation logging a ${megabytes} MB Buffer, ms | the same invocation without it, ms | the Buffer's cost, ms | peak RSS MB | RSS added by the call MB |`,
    '|---|---|---|---|---|---|',
  ];
  const outfiles = { bare: await bundleVariant(OUT, 'log-buffer-bare'), ours: await bundleVariant(OUT, 'log-buffer-ours') };
  const results: Record<string, { ms: number[]; withoutMs: number[]; peakRssMb: number[]; addedRssMb: number[] }> = {};
  for (let round = 0; round < rounds; round++) {
    for (const variant of ['bare', 'ours'] as const) {
      const r = await runChild(outfiles[variant], 'log-buffer', megabytes, sinkUrl);
      const row = (results[variant] ??= { ms: [], withoutMs: [], peakRssMb: [], addedRssMb: [] });
      row.ms.push(r.ms);
      row.withoutMs.push(r.withoutMs);
      row.peakRssMb.push(r.peakRssMb);
      row.addedRssMb.push(r.addedRssMb);
    }
  }
  for (const [variant, r] of Object.entries(results)) {
    const [ms, without] = [median(r.ms), median(r.withoutMs)];
    rows.push(
      `| ${variant} | ${fmt(ms, 2)} | ${fmt(without, 2)} | ${fmt(ms - without, 2)} | ${fmt(median(r.peakRssMb))} | ${fmt(median(r.addedRssMb))} |`,
    );
  }
  return `${rows.join('\n')}\n\nMedians of ${rounds} fresh processes each, interleaved.`;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
