import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fmt, OUT, runScript } from './harness.ts';

/** Edge: bundle size for the worker/browser conditions, and the latency telemetry adds before the Response. */
export async function edgeTable(sinkUrl: string, quick: boolean): Promise<string> {
  const { buildEdgeBundle } = await import('../tools/build-artifacts.ts');
  const rows = ['| edge variant | bundle KiB min / gzip | response-path median ms | p99 ms |', '|---|---|---|---|'];
  const results: Record<string, { medianMs: number; p99Ms: number }> = {};
  for (const variant of ['edge-bare', 'edge-ours']) {
    const { file, code } = await buildEdgeBundle(`bench/variants/${variant}.ts`, join(OUT, `${variant}.mjs`));
    results[variant] = await runScript('edge-child.mjs', [file, quick ? '500' : '3000'], { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl });
    const bytes = Buffer.byteLength(code);
    rows.push(
      `| ${variant} | ${fmt(bytes / 1024)} / ${fmt(gzipSync(code).length / 1024)} | ${fmt(results[variant]!.medianMs, 3)} | ${fmt(results[variant]!.p99Ms, 3)} |`,
    );
  }
  rows.push(
    `\nResponse-path latency added by telemetry (median): ${fmt((results['edge-ours']!.medianMs - results['edge-bare']!.medianMs) * 1000, 0)} µs; the flush runs in waitUntil, after the Response.`,
  );
  return rows.join('\n');
}
