/**
 * npm run query -- <trace-id> [--logs URL] [--jaeger URL] [--since 1h] [--attributes]
 * npm run query -- --service <name> [--logs URL] [--jaeger URL] [--since 1h]
 *
 * Reads the stack (`npm run stack`, or any VictoriaLogs and Jaeger): one trace's spans from Jaeger as a tree,
 * each with the log lines VictoriaLogs has for it (by the trace_id and span_id fields); or a service's recent
 * traces from Jaeger and its log lines by service name (`service.name` as OTLP brings it, `service_name` as
 * the Loki fallback pushes it).
 */
import { parseArgs } from 'node:util';
import { jaegerTrace, logLinesAsLogs, queryLogs } from './stack/query.ts';
import { renderTraces } from './trace-view.ts';

function fail(message: string, code = 2): never {
  process.stderr.write(`query: ${message}\n`);
  process.exit(code);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        logs: { type: 'string', default: 'http://127.0.0.1:9428' },
        jaeger: { type: 'string', default: 'http://127.0.0.1:16686' },
        service: { type: 'string' },
        since: { type: 'string', default: '1h' },
        attributes: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
})();

const since = /^(\d+)([smhd])$/.exec(values.since) ?? fail(`--since must look like 30m, 1h or 2d, got "${values.since}"`);
const sinceMs = Number(since[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[since[2] as 's' | 'm' | 'h' | 'd'];
const traceId = positionals[0]?.toLowerCase();
if (!traceId && !values.service) fail('which trace? give a trace id (32 hex digits), or --service <name>');
if (traceId && !/^[0-9a-f]{32}$/.test(traceId)) fail(`a trace id is 32 hex digits, got "${positionals[0]}"`);

const reach = <T>(what: string, url: string, promise: Promise<T>): Promise<T> =>
  promise.catch((error: Error) => fail(`cannot read ${what} at ${url}: ${error.message} (is \`npm run stack\` running?)`, 1));

if (traceId) {
  const [spans, lines] = await Promise.all([
    reach('Jaeger', values.jaeger, jaegerTrace(values.jaeger, traceId)),
    reach('VictoriaLogs', values.logs, queryLogs(values.logs, `trace_id:=${JSON.stringify(traceId)}`, { sinceMs })),
  ]);
  if (spans.length === 0 && lines.length === 0)
    fail(`trace ${traceId}: not in Jaeger, and no log line in VictoriaLogs within ${values.since}`, 1);
  console.log(`trace ${traceId}: ${spans.length} span(s) in Jaeger, ${lines.length} log line(s) in VictoriaLogs`);
  console.log(renderTraces(spans, logLinesAsLogs(lines), { attributes: values.attributes }));
  const orphans = lines.filter((line) => !spans.some((span) => span.spanId === line.metadata.span_id));
  if (spans.length > 0 && orphans.length > 0) console.log(`\n${orphans.length} log line(s) of this trace belong to no span Jaeger has`);
} else {
  const service = values.service!;
  const serviceQuery = `"service.name":=${JSON.stringify(service)} OR service_name:=${JSON.stringify(service)}`;
  const [traces, lines] = await Promise.all([
    reach('Jaeger', values.jaeger, recentTraces(values.jaeger, service, sinceMs)),
    reach('VictoriaLogs', values.logs, queryLogs(values.logs, serviceQuery, { sinceMs })),
  ]);
  console.log(`Jaeger: ${traces.length} trace(s) of service ${service} within ${values.since}`);
  for (const trace of traces) console.log(`  ${trace.traceId}  ${trace.root}  ${trace.spans} span(s)  ${trace.start}`);
  console.log(`VictoriaLogs: ${lines.length} log line(s) with ${serviceQuery} within ${values.since}`);
  for (const line of lines.slice(-20)) {
    const ids = line.metadata.trace_id ? `  trace_id=${line.metadata.trace_id}` : '';
    console.log(`  ${new Date(Number(BigInt(line.timestampNs) / 1_000_000n)).toISOString()}  ${line.line.slice(0, 120)}${ids}`);
  }
}

async function recentTraces(
  url: string,
  service: string,
  windowMs: number,
): Promise<{ traceId: string; root: string; spans: number; start: string }[]> {
  const now = Date.now() * 1000;
  const params = new URLSearchParams({ service, limit: '20', start: String(now - windowMs * 1000), end: String(now + 60_000_000) });
  const response = await fetch(`${url}/api/traces?${params}`, { signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`Jaeger answered ${response.status}: ${text}`);
  const data =
    (
      JSON.parse(text) as {
        data:
          | { traceID: string; spans: { spanID: string; operationName: string; startTime: number; references: { spanID: string }[] }[] }[]
          | null;
      }
    ).data ?? [];
  return data
    .map((trace) => {
      const ids = new Set(trace.spans.map((s) => s.spanID));
      const root = trace.spans.find((s) => !s.references.some((r) => ids.has(r.spanID))) ?? trace.spans[0]!;
      return {
        traceId: trace.traceID,
        root: root.operationName,
        spans: trace.spans.length,
        start: new Date(root.startTime / 1000).toISOString(),
      };
    })
    .sort((a, b) => (a.start < b.start ? 1 : -1));
}
