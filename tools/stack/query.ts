import type { ReceivedLog, ReceivedSpan } from '../otlp-decode.ts';

/** One log line as the log store returns it: stream fields (Loki's labels) and the other fields apart. */
export interface LogLine {
  /** The stream fields: a Loki push's labels, an OTLP record's resource attributes. */
  readonly labels: Record<string, string>;
  /** Every other field: a Loki push's structured metadata; an OTLP record's attributes, ids and severity. */
  readonly metadata: Record<string, string>;
  readonly timestampNs: string;
  readonly line: string;
}

/**
 * Runs a LogsQL query over `[now − sinceMs, now + 1 min]` against VictoriaLogs' `/select/logsql/query` and
 * returns every line, oldest first. `tenant` is what a Loki client sends as `X-Scope-OrgID`: VictoriaLogs reads
 * it as `accountID[:projectID]` on push, and selects a tenant by the `AccountID` and `ProjectID` headers.
 *
 * @example
 * const lines = await queryLogs('http://127.0.0.1:9428', '{service_name="orders-api"} trace_id:="4bf9…"');
 */
export async function queryLogs(
  url: string,
  logsql: string,
  options: { tenant?: string; sinceMs?: number; limit?: number } = {},
): Promise<LogLine[]> {
  const now = Date.now();
  const params = new URLSearchParams({
    query: logsql,
    start: new Date(now - (options.sinceMs ?? 3_600_000)).toISOString(),
    end: new Date(now + 60_000).toISOString(),
    limit: String(options.limit ?? 5000),
  });
  const response = await fetch(`${url}/select/logsql/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...tenantHeaders(options.tenant) },
    body: params,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`VictoriaLogs answered ${response.status} to ${logsql}: ${text}`);
  return text
    .split('\n')
    .filter((row) => row.trim() !== '')
    .map((row) => toLogLine(JSON.parse(row) as Record<string, string>))
    .sort((a, b) => (BigInt(a.timestampNs) < BigInt(b.timestampNs) ? -1 : 1));
}

function tenantHeaders(tenant: string | undefined): Record<string, string> {
  if (!tenant) return {};
  const [account = '0', project = '0'] = tenant.split(':');
  return { AccountID: account, ProjectID: project };
}

function toLogLine(row: Record<string, string>): LogLine {
  const { _msg: line = '', _time: time = '', _stream: stream = '{}', _stream_id: _id, ...fields } = row;
  const labels = parseStream(stream);
  const metadata = Object.fromEntries(Object.entries(fields).filter(([name]) => !(name in labels)));
  return { labels, metadata, timestampNs: rfc3339ToNs(time), line };
}

/** `{level="info",service.name="orders-api"}` → its fields (values quoted as Go strings, JSON-compatible). */
function parseStream(stream: string): Record<string, string> {
  return Object.fromEntries([...stream.matchAll(/([^{},=\s]+)=("(?:[^"\\]|\\.)*")/g)].map((m) => [m[1]!, JSON.parse(m[2]!) as string]));
}

/** `2026-12-02T05:35:51.896444442Z` → nanoseconds since the epoch, as a decimal string. */
function rfc3339ToNs(time: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!match) return '0';
  const seconds = BigInt(Date.parse(`${match[1]}Z`)) / 1000n;
  return (seconds * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'))).toString();
}

interface JaegerTag {
  key: string;
  type: string;
  value: unknown;
}
interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: { refType: string; traceID: string; spanID: string }[];
  startTime: number;
  duration: number;
  tags: JaegerTag[];
  logs: { timestamp: number; fields: JaegerTag[] }[];
  processID: string;
}
interface JaegerTrace {
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string; tags: JaegerTag[] }>;
}

/**
 * Reads one trace from Jaeger's query API (`/api/traces/<id>`) as spans in the shape the OTLP decoder gives,
 * so the same renderer prints it; `[]` when Jaeger does not have it (yet).
 *
 * @example
 * const spans = await jaegerTrace('http://127.0.0.1:16686', traceId);
 */
export async function jaegerTrace(url: string, traceId: string): Promise<ReceivedSpan[]> {
  const response = await fetch(`${url}/api/traces/${traceId}`, { signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  if (response.status === 404) return [];
  if (!response.ok) throw new Error(`Jaeger answered ${response.status} for trace ${traceId}: ${text}`);
  const traces = (JSON.parse(text) as { data: JaegerTrace[] | null }).data ?? [];
  return traces.flatMap((trace) => trace.spans.map((span) => toReceivedSpan(span, trace.processes)));
}

const KINDS: Record<string, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS: Record<string, number> = { OK: 1, ERROR: 2 };

function toReceivedSpan(span: JaegerSpan, processes: JaegerTrace['processes']): ReceivedSpan {
  const tags = Object.fromEntries(span.tags.map((tag) => [tag.key, tag.value]));
  const { 'span.kind': kind, 'otel.status_code': status, 'otel.status_description': message, ...attributes } = tags;
  const process = processes[span.processID];
  const parent = span.references.find((ref) => ref.refType === 'CHILD_OF' && ref.traceID === span.traceID);
  const startNs = BigInt(span.startTime) * 1000n;
  return {
    traceId: span.traceID,
    spanId: span.spanID,
    parentSpanId: parent?.spanID ?? '',
    name: span.operationName,
    kind: KINDS[String(kind)] ?? 0,
    attributes,
    resource: { 'service.name': process?.serviceName, ...Object.fromEntries((process?.tags ?? []).map((tag) => [tag.key, tag.value])) },
    status: { code: STATUS[String(status)] ?? 0, message: String(message ?? '') },
    events: span.logs.map((log) => {
      const fields = Object.fromEntries(log.fields.map((field) => [field.key, field.value]));
      return { name: String(fields.event ?? ''), attributes: fields };
    }),
    links: span.references
      .filter((ref) => ref !== parent && ref.refType === 'FOLLOWS_FROM')
      .map((ref) => ({ traceId: ref.traceID, spanId: ref.spanID })),
    startNs: startNs.toString(),
    endNs: (startNs + BigInt(span.duration) * 1000n).toString(),
  };
}

/**
 * Log lines as log records, so the trace renderer puts each under its span (by the span_id field). A line that
 * came through OTLP has `service.name` among its stream fields; one pushed by the Loki fallback, `service_name`.
 */
export function logLinesAsLogs(lines: readonly LogLine[]): ReceivedLog[] {
  return lines.map((entry) => ({
    traceId: entry.metadata.trace_id ?? '',
    spanId: entry.metadata.span_id ?? '',
    flags: 0,
    severityNumber: Number(entry.metadata.severity_number ?? 0),
    severityText: (entry.metadata.severity_text ?? entry.labels.level ?? 'log').toUpperCase(),
    body: entry.line,
    attributes: entry.metadata,
    resource: { 'service.name': entry.labels['service.name'] ?? entry.labels.service_name },
    timeNs: entry.timestampNs,
  }));
}
