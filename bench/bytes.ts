/**
 * The bytes row: request body bytes on the wire per invocation and signal (the bench handler: 1 span + 5
 * console lines), each variant's bundle run in a fresh process against a sink that counts what arrives.
 * `npm run bench -- --only=bytes`; `BENCH_BYTES_DUMP=1` also prints one decoded span and log record per variant.
 */
import { decodeLogs, decodeSpans } from '../tools/otlp-decode.ts';
import { decompressed, startLoopbackServer } from '../tools/loopback.ts';

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
  let official = 0;
  try {
    const cases = [
      ['official', bundles.official.outfile, {}],
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
      const cpu = name.startsWith('ours') ? (await run(file, 'warm', quick ? 500 : 5000, sink.url, env)).cpuUsPerInvocation : undefined;
      sink.take();
      rows.push(
        `| ${name} | ${per(c.traces).toFixed(0)} | ${per(c.logs).toFixed(0)} | ${total.toFixed(0)} | ${(total / official).toFixed(2)} | ${per(c.spans).toFixed(1)} span, ${per(c.records).toFixed(1)} records | ${cpu === undefined ? '—' : cpu.toFixed(1)} |`,
      );
      if (process.env.BENCH_BYTES_DUMP) dumps.push(dump(name, c));
    }
  } finally {
    await sink.close();
  }
  return rows.join('\n') + dumps.join('');
}
