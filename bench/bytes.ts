/**
 * The bytes row: request body bytes on the wire per invocation and signal (the bench handler: 1 span + 5
 * console lines), each variant's bundle run in a fresh process against a sink that counts what arrives.
 * `npm run bench -- --only=bytes`; `BENCH_BYTES_DUMP=1` also prints one decoded span and log record per variant.
 */
import { decodeLogs, decodeSpans } from '../tools/otlp-decode.ts';
import { decompressed, startLoopbackServer } from '../tools/loopback.ts';
import { breakDown, type Breakdown } from './bytes-breakdown.ts';

type Run = (
  file: string,
  mode: string,
  count: number,
  endpoint: string,
  env?: Record<string, string>,
) => Promise<{ cpuUsPerInvocation?: number }>;
type Bundles = Record<'ours' | 'official' | 'instrumented', { outfile: string }>;

interface Counted {
  traces: number;
  logs: number;
  spans: number;
  records: number;
  last: { traces?: Buffer; logs?: Buffer };
}

async function startByteSink() {
  let counted: Counted = { traces: 0, logs: 0, spans: 0, records: 0, last: {} };
  const sink = await startLoopbackServer({
    headers: { 'content-type': 'application/x-protobuf' },
    handle: (request) => {
      const signal = request.path === '/v1/traces' ? 'traces' : request.path === '/v1/logs' ? 'logs' : undefined;
      if (!signal) return { status: 404 };
      const body = decompressed(request);
      counted[signal] += request.body.length;
      if (signal === 'traces') counted.spans += decodeSpans(body).length;
      else counted.records += decodeLogs(body).length;
      counted.last[signal] = body;
      return { status: 200 };
    },
  });
  const take = () => [counted, (counted = { traces: 0, logs: 0, spans: 0, records: 0, last: {} })][0] as Counted;
  return { url: sink.url, take, close: sink.close };
}

function dump(variant: string, counted: Counted): string {
  const span = counted.last.traces && decodeSpans(counted.last.traces)[0];
  const log = counted.last.logs && decodeLogs(counted.last.logs)[0];
  return `\n${variant}: span ${JSON.stringify(span)}\n${variant}: log ${JSON.stringify(log)}`;
}

/**
 * Bytes per invocation and signal: the total over `count` invocations in one process (each sends the same,
 * the first included) divided by `count`. Ours also with gzip, and the CPU per invocation of ours with and
 * without it (warm mode, the exporters real, against the same sink): what the bytes saved cost.
 */
export async function bytesTable(bundles: Bundles, run: Run, quick: boolean): Promise<string> {
  const count = quick ? 20 : 200;
  const sink = await startByteSink();
  const rows = [
    '| variant | span bytes / invocation | log bytes / invocation | total | ratio to official | items / invocation | CPU µs / invocation (exporters real) |',
    '|---|---|---|---|---|---|---|',
  ];
  const dumps: string[] = [];
  const breakdowns = new Map<string, Breakdown>();
  let official = 0;
  try {
    const cases = [
      ['official', bundles.official.outfile, {}],
      ['official, gzip', bundles.official.outfile, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }],
      ['instrumented', bundles.instrumented.outfile, {}],
      ['ours', bundles.ours.outfile, {}],
      ['ours, gzip', bundles.ours.outfile, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }],
    ] as const;
    for (const [name, file, env] of cases) {
      await run(file, 'series', count, sink.url, env);
      const c = sink.take();
      const per = (n: number) => n / count;
      const total = per(c.traces + c.logs);
      official ||= total;
      sink.take();
      const cpu = name !== 'instrumented' ? (await run(file, 'warm', quick ? 500 : 5000, sink.url, env)).cpuUsPerInvocation : undefined;
      sink.take();
      rows.push(
        `| ${name} | ${per(c.traces).toFixed(0)} | ${per(c.logs).toFixed(0)} | ${total.toFixed(0)} | ${(total / official).toFixed(2)} | ${per(c.spans).toFixed(1)} span, ${per(c.records).toFixed(1)} records | ${cpu === undefined ? '—' : cpu.toFixed(1)} |`,
      );
      if (process.env.BENCH_BYTES_DUMP) dumps.push(dump(name, c));
      if (!name.includes('gzip')) breakdowns.set(name, breakdownOf(c));
    }
  } finally {
    await sink.close();
  }
  return `${rows.join('\n')}\n\n${breakdownTable(breakdowns)}${dumps.join('')}`;
}

/** One invocation's requests (the last of the series), both signals, broken into their parts. */
function breakdownOf(counted: Counted): Breakdown {
  const parts: Breakdown = new Map();
  for (const signal of ['traces', 'logs'] as const) {
    const body = counted.last[signal];
    if (!body) continue;
    for (const [part, bytes] of breakDown(signal, body)) parts.set(`${signal}: ${part}`, bytes);
  }
  return parts;
}

/** Part by part, bytes in each variant's requests of one invocation: where ours differs from the peers. */
function breakdownTable(breakdowns: Map<string, Breakdown>): string {
  const variants = [...breakdowns.keys()];
  const signalOrder = (part: string) => (part.startsWith('traces') ? 0 : 1);
  const parts = [...new Set(variants.flatMap((variant) => [...breakdowns.get(variant)!.keys()]))].sort(
    (a, b) => signalOrder(a) - signalOrder(b),
  );
  const cell = (variant: string, part: string) => String(breakdowns.get(variant)!.get(part) ?? '');
  const total = (variant: string) => [...breakdowns.get(variant)!.values()].reduce((a, b) => a + b, 0);
  return [
    `Where the bytes go (one invocation's requests, uncompressed; each part re-encoded alone with the official types)`,
    '',
    `| part | ${variants.join(' | ')} |`,
    `|---|${variants.map(() => '---|').join('')}`,
    ...parts.map((part) => `| ${part} | ${variants.map((variant) => cell(variant, part)).join(' | ')} |`),
    `| **total** | ${variants.map((variant) => `**${total(variant)}**`).join(' | ')} |`,
  ].join('\n');
}
