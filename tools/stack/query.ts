import type { ReceivedLog, ReceivedSpan } from '../otlp-decode.ts';

/** One Loki log line as its query API returns it, labels and structured metadata apart. */
export interface LokiLine {
  readonly labels: Record<string, string>;
  readonly metadata: Record<string, string>;
  readonly timestampNs: string;
  readonly line: string;
}

/**
 * Runs a LogQL query over `[startNs, now]` against Loki's `query_range` API and returns every line, oldest
 * first, with stream labels and structured metadata kept apart (the `categorize-labels` encoding flag).
 *
 * @example
 * const lines = await queryLoki('http://127.0.0.1:3100', '{service_name="orders-api"} | trace_id="4bf9…"');
 */
export async function queryLoki(
  url: string,
  logql: string,
  options: { tenant?: string; sinceMs?: number; limit?: number } = {},
): Promise<LokiLine[]> {
  const now = BigInt(Date.now()) * 1_000_000n;
  const params = new URLSearchParams({
    query: logql,
    start: String(now - BigInt(options.sinceMs ?? 3_600_000) * 1_000_000n),
    end: String(now + 60_000_000_000n),
    limit: String(options.limit ?? 5000),
    direction: 'forward',
  });
  const response = await fetch(`${url}/loki/api/v1/query_range?${params}`, {
    headers: { 'X-Loki-Response-Encoding-Flags': 'categorize-labels', ...(options.tenant ? { 'X-Scope-OrgID': options.tenant } : {}) },
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`Loki answered ${response.status} to ${logql}: ${text}`);
  const body = JSON.parse(text) as {
    data: { result: { stream: Record<string, string>; values: [string, string, { structuredMetadata?: Record<string, string> }?][] }[] };
  };
  return body.data.result
    .flatMap((stream) =>
      stream.values.map(([timestampNs, line, categories]) => ({
        labels: stream.stream,
        metadata: categories?.structuredMetadata ?? {},
        timestampNs,
        line,
      })),
    )
    .sort((a, b) => (BigInt(a.timestampNs) < BigInt(b.timestampNs) ? -1 : 1));
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

/** Loki lines as log records, so the trace renderer puts each under its span (by the span_id metadata). */
export function lokiLinesAsLogs(lines: readonly LokiLine[]): ReceivedLog[] {
  return lines.map((entry) => ({
    traceId: entry.metadata.trace_id ?? '',
    spanId: entry.metadata.span_id ?? '',
    flags: 0,
    severityNumber: Number(entry.metadata.severity_number ?? 0),
    severityText: (entry.metadata.severity_text ?? entry.labels.level ?? entry.labels.detected_level ?? 'log').toUpperCase(),
    body: entry.line,
    attributes: entry.metadata,
    resource: { 'service.name': entry.labels.service_name },
    timeNs: entry.timestampNs,
  }));
}
