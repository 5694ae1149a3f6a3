/**
 * The outbound row: what a CLIENT span with traceparent injection adds to each outgoing request, ours beside
 * `@opentelemetry/instrumentation-undici` (global fetch only) and the bare request, each variant bundled with
 * esbuild and run in fresh Node processes, rounds interleaved. `npm run bench -- --only=outbound`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundleVariant } from './bundle.ts';

const VARIANTS = ['outbound-bare', 'outbound-ours', 'outbound-undici'] as const;
type Variant = (typeof VARIANTS)[number];
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function runOnce(out: string, file: string, client: 'fetch' | 'http', count: number): Promise<{ wallUs: number; cpuUs: number }> {
  const resultFile = join(out, `outbound-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(process.execPath, [join(import.meta.dirname, 'outbound-child.mjs'), file, client, String(count)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { PATH: process.env.PATH, BENCH_RESULT_FILE: resultFile },
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`outbound-child ${file} ${client} exited with ${code}`);
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as { wallUs: number; cpuUs: number };
  rmSync(resultFile);
  return result;
}

/** The Markdown table: µs per request (wall and CPU, median of rounds) and what each adds to bare. */
export async function outboundTable(out: string, quick: boolean): Promise<string> {
  const files = Object.fromEntries(await Promise.all(VARIANTS.map(async (v) => [v, await bundleVariant(out, v)] as const))) as Record<
    Variant,
    string
  >;
  const rounds = quick ? 1 : 7;
  const count = quick ? 500 : 3000;
  const rows: string[] = [];
  for (const client of ['fetch', 'http'] as const) {
    const variants = VARIANTS.filter((v) => client === 'fetch' || v !== 'outbound-undici');
    const samples = new Map(variants.map((v) => [v, { wall: [] as number[], cpu: [] as number[] }]));
    for (let round = 0; round < rounds; round++) {
      for (const v of variants) {
        const { wallUs, cpuUs } = await runOnce(out, files[v], client, count);
        samples.get(v)!.wall.push(wallUs);
        samples.get(v)!.cpu.push(cpuUs);
      }
    }
    const bare = { wall: median(samples.get('outbound-bare')!.wall), cpu: median(samples.get('outbound-bare')!.cpu) };
    for (const v of variants) {
      const wall = median(samples.get(v)!.wall);
      const cpu = median(samples.get(v)!.cpu);
      const name = v.replace('outbound-', '').replace('undici', '@opentelemetry/instrumentation-undici 0.34');
      rows.push(
        `| ${client === 'fetch' ? 'global fetch' : 'node:http'} | ${name} | ${wall.toFixed(1)} (+${(wall - bare.wall).toFixed(1)}) | ${cpu.toFixed(1)} (+${(cpu - bare.cpu).toFixed(1)}) |`,
      );
    }
  }
  const header = '| client | variant | wall µs/request (added) | CPU µs/request (added) |\n|---|---|---|---|';
  return `${header}\n${rows.join('\n')}\n\n${rounds} rounds × ${count} sequential requests to an in-process loopback server, medians; Node ${process.version}.`;
}
