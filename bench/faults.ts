import { closedEndpoint, startHangingEndpoint, startLoopbackServer } from '../tools/loopback.ts';
import { fmt, runChild, type Bundles } from './harness.ts';

/**
 * The collector down (connection refused) or hung (accepts, never answers): the first invocation that
 * meets the fault and the median of the following ones, each compared with the same variant against a
 * healthy collector (so the first invocation's cold start is not counted as the fault's cost). Ours falls
 * back to a loopback Loki sink; the official setup has no fallback and is slow here, so it runs fewer.
 */
export async function faultTable(bundles: Bundles, healthyUrl: string, quick: boolean): Promise<string> {
  const hanging = await startHangingEndpoint();
  const rows: string[] = [
    '| collector | variant | first invocation ms (added vs healthy) | following invocations, median ms (added vs healthy) |',
    '|---|---|---|---|',
  ];
  try {
    const envOf = (variant: string): Record<string, string> => (variant === 'ours' ? { FAAS_OBSERVABILITY_LOKI_URL: healthyUrl } : {});
    const healthy = Object.fromEntries(
      await Promise.all(
        (['ours', 'official', 'instrumented'] as const).map(
          async (v) => [v, await runChild(bundles[v].outfile, 'series', 20, healthyUrl, envOf(v))] as const,
        ),
      ),
    );
    for (const [scenario, url] of [
      ['refused', await closedEndpoint()],
      ['hanging', hanging.url],
    ] as const) {
      for (const variant of ['ours', 'official', 'instrumented'] as const) {
        const count = variant === 'ours' ? 20 : quick ? 2 : 3;
        const r = await runChild(bundles[variant].outfile, 'series', count, url, envOf(variant));
        const base = healthy[variant]!;
        rows.push(
          `| ${scenario} | ${variant} | ${fmt(r.firstMs)} (+${fmt(r.firstMs - base.firstMs)}) | ${fmt(r.steadyMedianMs)} (+${fmt(r.steadyMedianMs - base.steadyMedianMs, 2)}) |`,
        );
      }
    }
    rows.push(...(await answeredFaultRows(bundles.ours.outfile, healthyUrl, healthy.ours!)));
  } finally {
    await hanging.close();
  }
  return rows.join('\n');
}

/** A loopback collector that answers every request the same bad way: a status with headers, after `delayMs`. */
const startFaultySink = (status: number, headers: Record<string, string>, delayMs: number) =>
  startLoopbackServer({ behaviour: { status, headers, latencyMs: delayMs } });

/**
 * The collector answers, but not with a success: 500, 429 with a Retry-After past the flush budget, or
 * only after the export timeout. Ours only (the tests assert the mechanism: breaker, no retry, no wait;
 * these are the figures), in faultTable's columns.
 */
async function answeredFaultRows(
  outfile: string,
  lokiUrl: string,
  healthy: { firstMs: number; steadyMedianMs: number },
): Promise<string[]> {
  const rows: string[] = [];
  for (const [scenario, status, headers, delayMs] of [
    ['answers 500', 500, {}, 0],
    ['429, Retry-After 30 s', 429, { 'retry-after': '30' }, 0],
    ['answers after 2 s', 200, {}, 2000],
  ] as const) {
    const sink = await startFaultySink(status, headers, delayMs);
    try {
      const r = await runChild(outfile, 'series', 20, sink.url, { FAAS_OBSERVABILITY_LOKI_URL: lokiUrl });
      rows.push(
        `| ${scenario} | ours | ${fmt(r.firstMs)} (+${fmt(r.firstMs - healthy.firstMs)}) | ${fmt(r.steadyMedianMs)} (+${fmt(r.steadyMedianMs - healthy.steadyMedianMs, 2)}) |`,
      );
    } finally {
      await sink.close();
    }
  }
  return rows;
}
