import type { Attributes, LogRecord, SpanContext } from '@opentelemetry/api';
import type { ConsoleFormat } from '../core/config/options.ts';

/**
 * Decides what the original console method receives, so the line still reaches stdout/stderr (Lambda's
 * own log capture stays whole) and carries the trace id:
 * - `text`: the original arguments plus `trace_id=… span_id=…`; a line that is a JSON object gets the
 *   ids as its first keys instead, so it stays valid JSON;
 * - `json`: one JSON object with timestamp, level, message, ids and attributes;
 * - `off`: the original arguments, untouched.
 * Without an active span the arguments pass through unchanged (text) or without ids (json).
 *
 * @example
 * consoleLineArgs('text', ['hello'], record, spanContext); // ['hello', 'trace_id=4bf9… span_id=00f0…']
 */
export function consoleLineArgs(
  format: ConsoleFormat,
  args: readonly unknown[],
  record: LogRecord,
  span: SpanContext | undefined,
  line: LineKind,
): readonly unknown[] {
  if (format === 'off') return args;
  if (format === 'json') return [jsonLine(record, span)];
  if (span === undefined || line === 'untouched') return args;
  const only = args.length === 1 ? args[0] : undefined;
  if (typeof only === 'string' && isJsonObjectText(only)) {
    // A line that already names its trace stays as the user wrote it.
    if (only.includes('"trace_id"')) return args;
    const inner = only.slice(1).trimStart();
    const ids = `"trace_id":"${span.traceId}","span_id":"${span.spanId}"`;
    return [inner === '}' ? `{${ids}}` : `{${ids},${inner}`];
  }
  const ids = `trace_id=${span.traceId} span_id=${span.spanId}`;
  // The body is already formatted like util.format: handing over one string spares the console formatting
  // it again. Errors keep Node's own rendering (own properties after the stack), and a cut body the original.
  return line === 'preformatted' && typeof record.body === 'string' ? [`${record.body} ${ids}`] : [...args, ids];
}

/**
 * What the line may be: `untouched` (console.dir/table: their arguments are options, not values),
 * `preformatted` (the record body is the whole formatted line), or `args` (append the ids to the arguments).
 */
export type LineKind = 'untouched' | 'preformatted' | 'args';

function isJsonObjectText(text: string): boolean {
  return text.charCodeAt(0) === 123 /* { */ && text.trimEnd().endsWith('}');
}

function jsonLine(record: LogRecord, span: SpanContext | undefined): string {
  const line: Record<string, unknown> = {
    timestamp: new Date().toISOString(),
    level: record.severityText,
    message: record.body,
  };
  if (span) {
    line.trace_id = span.traceId;
    line.span_id = span.spanId;
  }
  const attributes: Attributes = record.attributes ?? {};
  for (const key of Object.keys(attributes)) if (!(key in line)) line[key] = attributes[key];
  return JSON.stringify(line);
}
