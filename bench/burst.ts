import { startLoopbackServer } from '../tools/loopback.ts';
import { fmt, runChild, type Bundles } from './harness.ts';

/** An OTLP sink that counts the log records it receives (decoded), for the burst row. */
async function startCountingSink() {
  const { decodeLogs } = await import('../tools/otlp-decode.ts');
  let logs = 0;
  const sink = await startLoopbackServer({
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      if (request.path === '/v1/logs') logs += decodeLogs(request.body).length;
      return { status: 200 };
    },
  });
  return { url: sink.url, take: () => [logs, (logs = 0)][0]!, close: sink.close };
}

/**
 * A burst: one invocation writes 10,000 or 100,000 console lines in one synchronous loop (after one ordinary
 * invocation, then 5 more), against a sink that decodes and counts what arrives. Delivered counts the
 * ordinary invocations' 30 lines too. The 100,000-line loop keeps the event loop busy well past the export
 * timeout: what it delivers, and what the invocations after it cost, show whether the collector was taken
 * for dead (the breaker would send the next invocations' records to stdout).
 */
export async function burstTable(bundles: Bundles, healthyUrl: string): Promise<string> {
  const sink = await startCountingSink();
  const rows = [
    '| variant | lines in the burst | log records delivered (of the lines + 30) | burst invocation ms (its flush included) | next invocations, median ms | same, healthy series |',
    '|---|---|---|---|---|---|',
  ];
  try {
    for (const lines of [10_000, 100_000]) {
      for (const variant of ['bare', 'ours', 'official'] as const) {
        const r = await runChild(bundles[variant].outfile, 'burst', lines, sink.url);
        const delivered = sink.take();
        const healthy = await runChild(bundles[variant].outfile, 'series', 20, healthyUrl);
        rows.push(
          `| ${variant} | ${lines} | ${variant === 'bare' ? '—' : delivered} | ${fmt(r.burstMs)} | ${fmt(r.afterMedianMs, 2)} | ${fmt(healthy.steadyMedianMs, 2)} |`,
        );
      }
    }
  } finally {
    await sink.close();
  }
  return rows.join('\n');
}
