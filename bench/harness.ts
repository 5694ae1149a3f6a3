/**
 * What every table of the benchmark driver (run.ts) shares: the variants, their bundles, a child process per
 * measurement, interleaved rounds and medians, and the loopback OTLP sink.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startLoopbackServer } from '../tools/loopback.ts';
import { bundleVariantSized } from './bundle.ts';

export const OUT = join(import.meta.dirname, '.out');
export const VARIANTS = ['bare', 'http-floor', 'ours', 'official', 'instrumented'] as const;
export type Variant = (typeof VARIANTS)[number];
export type Bundled = Awaited<ReturnType<typeof bundle>>;
export type Bundles = Record<Variant, { outfile: string }>;

/** The signal each OTLP path carries, as the sections that count bytes per signal name them. */
export const SIGNALS = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' } as const;
export type Signal = (typeof SIGNALS)[keyof typeof SIGNALS];

/** Bundles bench/variants/<name>.ts the way a Lambda deploy artifact is built, with its sizes. */
export async function bundle(variant: string) {
  const { outfile, coldStart, total } = await bundleVariantSized(OUT, variant);
  return {
    outfile,
    minKiB: coldStart.bytes / 1024,
    gzipKiB: coldStart.gzipBytes / 1024,
    totalMinKiB: total.bytes / 1024,
    totalGzipKiB: total.gzipBytes / 1024,
  };
}

export async function startSink(latencyMs: number) {
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
export async function runScript(script: string, args: string[], env: Record<string, string>) {
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

export function runChild(file: string, mode: string, count: number, endpoint: string, extraEnv: Record<string, string> = {}) {
  return runScript('child.mjs', [file, mode, String(count)], {
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    ...extraEnv,
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs `measure` for every variant (the five, or those given), interleaved round by round so machine noise hits all alike. */
export async function interleaved<V extends string = Variant>(
  rounds: number,
  measure: (variant: V) => Promise<number>,
  variants: readonly V[] = VARIANTS as unknown as readonly V[],
) {
  const samples = Object.fromEntries(variants.map((v) => [v, [] as number[]])) as Record<V, number[]>;
  for (let round = 0; round < rounds; round++) {
    for (const variant of variants) samples[variant].push(await measure(variant));
  }
  return Object.fromEntries(variants.map((v) => [v, median(samples[v])])) as Record<V, number>;
}

export const fmt = (n: number, digits = 1) => n.toFixed(digits);
