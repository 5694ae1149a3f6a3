import type { ReceivedLog, ReceivedSpan } from './otlp-objects.ts';

const KIND = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['', 'ok', 'ERROR'];

const ms = (from: string, to: string) => Number(BigInt(to) - BigInt(from)) / 1e6;

/**
 * Renders traces as trees of spans with their durations, each span's log lines inline under it (in time
 * order), and the attributes when asked. Logs outside any span (init) are listed per service.
 *
 * @example
 * console.log(renderTraces(spans, logs, { attributes: false }));
 */
export function renderTraces(spans: readonly ReceivedSpan[], logs: readonly ReceivedLog[], options: { attributes?: boolean } = {}): string {
  const out: string[] = [];
  const traces = new Map<string, ReceivedSpan[]>();
  for (const span of [...spans].sort((a, b) => (BigInt(a.startNs) < BigInt(b.startNs) ? -1 : 1))) {
    traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  }
  const logsBySpan = new Map<string, ReceivedLog[]>();
  for (const log of [...logs].sort((a, b) => (BigInt(a.timeNs) < BigInt(b.timeNs) ? -1 : 1))) {
    logsBySpan.set(log.spanId, [...(logsBySpan.get(log.spanId) ?? []), log]);
  }
  const outside = logsBySpan.get('') ?? [];
  if (outside.length > 0) {
    out.push('logs outside any span (init):');
    for (const log of outside) out.push(`  ${logLine(log)}`);
  }
  for (const [traceId, members] of traces) {
    const ids = new Set(members.map((s) => s.spanId));
    const roots = members.filter((s) => !ids.has(s.parentSpanId));
    const service = String(members[0]!.resource['service.name'] ?? '?');
    const logCount = members.reduce((n, s) => n + (logsBySpan.get(s.spanId)?.length ?? 0), 0);
    out.push('', `trace ${traceId}  ${service}  ${members.length} span(s), ${logCount} log line(s)`);
    for (const [index, root] of roots.entries()) renderSpan(root, members, logsBySpan, '', index === roots.length - 1, options, out);
  }
  return out.join('\n');
}

function renderSpan(
  span: ReceivedSpan,
  members: readonly ReceivedSpan[],
  logsBySpan: Map<string, ReceivedLog[]>,
  prefix: string,
  last: boolean,
  options: { attributes?: boolean },
  out: string[],
): void {
  const status = STATUS[span.status.code] ? `  ${STATUS[span.status.code]}${span.status.message ? `: ${span.status.message}` : ''}` : '';
  const flags = [
    span.attributes['faas.coldstart'] === true ? 'cold start' : '',
    span.attributes['http.response.status_code'] !== undefined ? `HTTP ${span.attributes['http.response.status_code']}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  out.push(
    `${prefix}${last ? '└─' : '├─'} ${span.name}  ${ms(span.startNs, span.endNs).toFixed(1)} ms  [${KIND[span.kind] ?? span.kind}]${flags ? `  (${flags})` : ''}${status}`,
  );
  const inner = `${prefix}${last ? '   ' : '│  '}`;
  if (options.attributes) {
    for (const [key, value] of Object.entries(span.attributes)) out.push(`${inner}  · ${key} = ${JSON.stringify(value)}`);
  }
  for (const event of span.events)
    out.push(
      `${inner}  ! ${event.name}: ${String(event.attributes['exception.type'] ?? '')} ${String(event.attributes['exception.message'] ?? '')}`.trimEnd(),
    );
  for (const log of logsBySpan.get(span.spanId) ?? []) out.push(`${inner}  ${logLine(log)}`);
  const children = members.filter((s) => s.parentSpanId === span.spanId);
  for (const [index, child] of children.entries())
    renderSpan(child, members, logsBySpan, inner, index === children.length - 1, options, out);
}

function logLine(log: ReceivedLog): string {
  const body = typeof log.body === 'string' ? log.body : JSON.stringify(log.body);
  return `${(log.severityText || 'LOG').padEnd(5)} ${body.length > 160 ? `${body.slice(0, 160)}…` : body}`;
}
