/**
 * Side-by-side benchmark: a bare handler, this library, and the plain official OpenTelemetry setup,
 * each bundled with esbuild and run in fresh Node processes against a loopback OTLP sink.
 * Run with `npm run bench` (add `-- --quick` for a short smoke run, `-- --only=burst`, `--only=bytes` or `--only=outbound` for one table).
 * Prints Markdown tables.
 */
import { bundleVariantSized } from './bundle.ts';
import { bundleProfileTable } from './bundle-profile.ts';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { closedEndpoint, startHangingEndpoint, startLoopbackServer } from '../tools/loopback.ts';
import { outboundTable } from './outbound.ts';
import { bytesTable } from './bytes.ts';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { postResponseTable } from './post-response.ts';

const quick = process.argv.includes('--quick');
// `--only=burst` runs one table (with its own bundles and sink), for a figure checked on its own.
const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length);
const OUT = join(import.meta.dirname, '.out');
const VARIANTS = ['bare', 'http-floor', 'ours', 'official', 'instrumented'] as const;
type Variant = (typeof VARIANTS)[number];

/** Bundles bench/variants/<name>.ts the way a Lambda deploy artifact is built, with its sizes. */
async function bundle(variant: string) {
  const { outfile, coldStart, total } = await bundleVariantSized(OUT, variant);
  return {
    outfile,
    minKiB: coldStart.bytes / 1024,
    gzipKiB: coldStart.gzipBytes / 1024,
    totalMinKiB: total.bytes / 1024,
    totalGzipKiB: total.gzipBytes / 1024,
  };
}

/** The bundle column: what a cold start loads, and the whole artifact when it holds lazily loaded chunks. */
function bundleCell(b: Awaited<ReturnType<typeof bundle>>): string {
  const cold = `${fmt(b.minKiB)} / ${fmt(b.gzipKiB)}`;
  return b.totalMinKiB > b.minKiB ? `${cold} (artifact ${fmt(b.totalMinKiB)} / ${fmt(b.totalGzipKiB)})` : cold;
}

/** `--only=bundle`: the bundle column alone, every variant built like a deploy artifact. */
function bundleTable(bundles: Record<Variant, Awaited<ReturnType<typeof bundle>>>): string {
  const rows = ['| variant | loaded at a cold start KiB min / gzip | artifact KiB min / gzip |', '|---|---|---|'];
  for (const v of VARIANTS)
    rows.push(
      `| ${v} | ${fmt(bundles[v].minKiB)} / ${fmt(bundles[v].gzipKiB)} | ${fmt(bundles[v].totalMinKiB)} / ${fmt(bundles[v].totalGzipKiB)} |`,
    );
  return rows.join('\n');
}

async function startSink(latencyMs: number) {
  const holds: number[] = [];
  const sink = await startLoopbackServer({
    behaviour: { latencyMs },
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      holds.push(performance.now() - request.receivedAt);
      return { status: 200 };
    },
  });
  // Timers fire late: the real hold time is measured, and flush figures are compared with it.
  return { url: sink.url, holdMs: () => median(holds), close: sink.close };
}

let runSequence = 0;
/** Runs bench/<script> in a fresh Node process; it writes its JSON result to BENCH_RESULT_FILE. */
async function runScript(script: string, args: string[], env: Record<string, string>) {
  const resultFile = join(OUT, `result-${process.pid}-${runSequence++}.json`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--expose-gc', join(import.meta.dirname, script), ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, BENCH_RESULT_FILE: resultFile, ...env },
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const processMs = performance.now() - started;
  if (code !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${code}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8'));
  rmSync(resultFile);
  return { ...result, processMs };
}

function runChild(file: string, mode: string, count: number, endpoint: string, extraEnv: Record<string, string> = {}) {
  return runScript('child.mjs', [file, mode, String(count)], {
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    ...extraEnv,
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `measure` for every variant, interleaved round by round so machine noise hits all alike. */
async function interleaved(rounds: number, measure: (variant: Variant) => Promise<number>) {
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const variant of VARIANTS) samples[variant].push(await measure(variant));
  }
  return Object.fromEntries(VARIANTS.map((v) => [v, median(samples[v])])) as Record<Variant, number>;
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/**
 * The collector down (connection refused) or hung (accepts, never answers): the first invocation that
 * meets the fault and the median of the following ones, each compared with the same variant against a
 * healthy collector (so the first invocation's cold start is not counted as the fault's cost). Ours falls
 * back to a loopback Loki sink; the official setup has no fallback and is slow here, so it runs fewer.
 */
async function faultTable(bundles: Record<Variant, { outfile: string }>, healthyUrl: string): Promise<string> {
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

/** Edge: bundle size for the worker/browser conditions, and the latency telemetry adds before the Response. */
async function edgeTable(sinkUrl: string): Promise<string> {
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
 * A burst: one invocation writes 10,000 console lines (after one ordinary invocation, then 5 more), against
 * a sink that decodes and counts what arrives. Delivered counts the ordinary invocations' 30 lines too.
 */
async function burstTable(bundles: Record<Variant, { outfile: string }>, healthyUrl: string): Promise<string> {
  const lines = 10_000;
  const sink = await startCountingSink();
  const rows = [
    `| variant | log records delivered of ${lines + 30} | burst invocation ms (its flush included) | next invocations, median ms | same, healthy series |`,
    '|---|---|---|---|---|',
  ];
  try {
    for (const variant of ['bare', 'ours', 'official'] as const) {
      const r = await runChild(bundles[variant].outfile, 'burst', lines, sink.url);
      const delivered = sink.take();
      const healthy = await runChild(bundles[variant].outfile, 'series', 20, healthyUrl);
      rows.push(
        `| ${variant} | ${variant === 'bare' ? '—' : delivered} | ${fmt(r.burstMs)} | ${fmt(r.afterMedianMs, 2)} | ${fmt(healthy.steadyMedianMs, 2)} |`,
      );
    }
  } finally {
    await sink.close();
  }
  return rows.join('\n');
}

/** Memory over many invocations (no network: no-op exporters), and the streaming response path. */
async function memoryAndStreamingTables(bundles: Record<Variant, { outfile: string }>, sinkUrl: string): Promise<string> {
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

async function main() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const bundles = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, await bundle(v)] as const))) as Record<
    Variant,
    Awaited<ReturnType<typeof bundle>>
  >;
  if (only === 'bundle') {
    console.log(`${bundleTable(bundles)}\n\n${await bundleProfileTable(OUT)}`);
    return;
  }
  if (only === 'outbound') {
    mkdirSync(OUT, { recursive: true });
    console.log(await outboundTable(OUT, quick));
    return;
  }
  const fast = await startSink(0);
  const slow = await startSink(20);
  if (only === 'post-response') {
    console.log(await postResponseTable(OUT, { fast: fast.url, slow: slow.url }, quick));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  if (only === 'bytes') {
    console.log(await bytesTable(bundles, runChild, quick));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  if (only === 'burst') {
    console.log(await burstTable(bundles, fast.url));
    await Promise.all([fast.close(), slow.close()]);
    return;
  }
  try {
    const coldRounds = quick ? 3 : 21;
    const coldProcess = await interleaved(coldRounds, async (v) => (await runChild(bundles[v].outfile, 'cold', 1, fast.url)).processMs);
    const coldInside = await interleaved(coldRounds, async (v) => (await runChild(bundles[v].outfile, 'cold', 1, fast.url)).totalMs);
    const warmCount = quick ? 2000 : 20000;
    const warmCpu = await interleaved(
      quick ? 1 : 5,
      async (v) => (await runChild(bundles[v].outfile, 'warm', warmCount, fast.url, { BENCH_NOOP_EXPORT: '1' })).cpuUsPerInvocation,
    );
    const latencyCount = quick ? 20 : 100;
    const latency0 = await interleaved(
      quick ? 1 : 3,
      async (v) => (await runChild(bundles[v].outfile, 'latency', latencyCount, fast.url)).medianMs,
    );
    const latency20 = await interleaved(
      quick ? 1 : 3,
      async (v) => (await runChild(bundles[v].outfile, 'latency', latencyCount, slow.url)).medianMs,
    );

    const rows = VARIANTS.map((v) => [
      v,
      bundleCell(bundles[v]),
      `${fmt(coldProcess[v])} (${fmt(coldProcess[v] / coldProcess.bare, 2)}×)`,
      `${fmt(coldInside[v])} (${fmt(coldInside[v] / coldInside.bare, 2)}×)`,
      `${fmt(warmCpu[v])} (+${fmt(warmCpu[v] - warmCpu.bare)})`,
      `${fmt(latency0[v] - latency0.bare, 2)}`,
      `${fmt(latency20[v] - latency20.bare, 2)} (${fmt((latency20[v] - latency20.bare) / slow.holdMs(), 3)}× sink hold)`,
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
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const row of rows) console.log(`| ${row.join(' | ')} |`);
    console.log(`\n${await faultTable(bundles, fast.url)}`);
    console.log(`\n${await burstTable(bundles, fast.url)}`);
    console.log(`\n${await postResponseTable(OUT, { fast: fast.url, slow: slow.url }, quick)}`);
    console.log(`\n${await bytesTable(bundles, runChild, quick)}`);
    console.log(`\n${await edgeTable(slow.url)}`);
    console.log(`\n${await memoryAndStreamingTables(bundles, slow.url)}`);
    console.log(`\n${await outboundTable(OUT, quick)}`);
    console.log(
      `\nThe 20 ms sink held each request ${fmt(slow.holdMs(), 2)} ms (median). Node ${process.version}; medians of ${coldRounds} cold starts, ${quick ? 1 : 5} × ${warmCount} warm invocations, ${quick ? 1 : 3} × ${latencyCount} flushes; rounds interleaved.`,
    );
  } finally {
    await fast.close();
    await slow.close();
  }
}

await main();
