/**
 * The response path under the Lambda Runtime API emulator (frozen at every /next, with the Extensions API):
 * how long the caller waits for the response, and the billed duration (response + post-runtime extension
 * time, until the runtime and every extension asked for the next event), for a bare handler, this library
 * with the flush after the response (the default), this library flushing before the response (today's mode,
 * `FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH=false`) and the official setup, at a 0 ms and a 20 ms sink.
 */
import { join } from 'node:path';
import { RuntimeApiServer } from '../tools/lambda-runtime/runtime-api-server.ts';

const ROWS = [
  ['bare', 'bare', {}],
  ['ours, flush after the response', 'ours', {}],
  ['ours, flush before the response', 'ours', { FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false' }],
  ['official', 'official', {}],
] as const;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => n.toFixed(2);

/** Medians of `count` warm invocations of one bundled variant (`<dir>/<variant>/<variant>.mjs`, see bundle.ts). */
async function measure(dir: string, variant: string, env: Record<string, string>, sinkUrl: string, count: number) {
  const lambda = await RuntimeApiServer.start({
    taskRoot: join(dir, variant),
    handler: `${variant}.handler`,
    functionName: 'bench',
    memoryMb: 1024,
    timeoutMs: 30_000,
    onOutput: () => {},
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, ...env },
  });
  try {
    for (let i = 0; i < 5; i++) await lambda.invoke({ i });
    const skip = lambda.phases.length;
    for (let i = 0; i < count; i++) await lambda.invoke({ i });
    await lambda.stop({ graceful: false }); // waits for the last invoke phase to end
    const phases = lambda.phases.slice(skip);
    return { responseMs: median(phases.map((p) => p.responseMs)), billedMs: median(phases.map((p) => p.billedMs)) };
  } finally {
    await lambda.stop({ graceful: false });
  }
}

/**
 * The table, in Markdown. Rounds interleave the variants so machine noise hits all alike.
 *
 * @example
 * console.log(await postResponseTable('bench/.out', { fast: 'http://127.0.0.1:1', slow: 'http://127.0.0.1:2' }, false));
 */
export async function postResponseTable(dir: string, sinks: { fast: string; slow: string }, quick: boolean): Promise<string> {
  const rounds = quick ? 1 : 3;
  const count = quick ? 50 : 200;
  const samples = new Map<string, { responseMs: number[]; billedMs: number[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const [label, variant, env] of ROWS) {
      for (const [sink, url] of [
        ['0', sinks.fast],
        ['20', sinks.slow],
      ] as const) {
        const r = await measure(dir, variant, env, url, count);
        const key = `${label}@${sink}`;
        const entry = samples.get(key) ?? { responseMs: [], billedMs: [] };
        entry.responseMs.push(r.responseMs);
        entry.billedMs.push(r.billedMs);
        samples.set(key, entry);
      }
    }
  }
  const at = (label: string, sink: string, field: 'responseMs' | 'billedMs') => median(samples.get(`${label}@${sink}`)![field]);
  const header = [
    'variant (under the Runtime API emulator)',
    'response ms, sink 0 ms (+ over bare)',
    'billed ms, sink 0 ms',
    'response ms, sink 20 ms (+ over bare)',
    'billed ms, sink 20 ms',
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const [label] of ROWS) {
    const cells = ['0', '20'].flatMap((sink) => [
      `${fmt(at(label, sink, 'responseMs'))} (+${fmt(at(label, sink, 'responseMs') - at('bare', sink, 'responseMs'))})`,
      fmt(at(label, sink, 'billedMs')),
    ]);
    lines.push(`| ${label} | ${cells.join(' | ')} |`);
  }
  lines.push(
    `\nResponse: from the event to the runtime's POST of the response (what the caller waits for). Billed: until the runtime and every extension asked for the next event. Medians of ${rounds} × ${count} warm invocations, each process frozen at every /next.`,
  );
  return lines.join('\n');
}
