import { isSpanContextValid, type HrTime } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';

/** The attribute that de-duplicates a log record (semantic conventions). */
export const LOG_RECORD_UID = 'log.record.uid';

/**
 * The `log.record.uid` a record inside a span can have without sending it: its span id and its timestamp in
 * nanoseconds (`<span_id>-<time_unix_nano>`). The console bridge gives every record a process-wide strictly
 * increasing timestamp, so the pair is unique, and every copy of the record (OTLP, Loki, a stdout line)
 * carries both fields: a copy that reached two backends is de-duplicated by computing it. Undefined outside
 * a span.
 *
 * @example
 * derivedRecordUid(record); // 'e457b5a2e4d86bd1-1795570323764012345'
 */
export function derivedRecordUid(record: Pick<ReadableLogRecord, 'spanContext' | 'hrTime'>): string | undefined {
  const span = record.spanContext;
  return span && isSpanContextValid(span) ? recordUidOf(span.spanId, record.hrTime) : undefined;
}

/** `<span_id>-<time_unix_nano>`: the uid of a record in a span. */
export function recordUidOf(spanId: string, [seconds, nanos]: HrTime): string {
  return `${spanId}-${seconds}${String(nanos).padStart(9, '0')}`;
}

/**
 * Which of a record's attributes its OTLP request leaves out, as a test of one attribute; undefined when none
 * is. The attributes that the request repeats from its other fields: `log.record.uid` when it is the derived
 * one (the request has the span id and timestamp), and `faas.invocation_id` when the record is in a span (the
 * invocation's span carries it; the record its trace). The record itself keeps both, for the Loki fallback's
 * structured metadata and the stdout lines. The encoder skips them as it writes, with no copy of the record.
 *
 * @example
 * encodeLogs(records, otlpOmittedAttributes);
 */
export function otlpOmittedAttributes(record: ReadableLogRecord): ((key: string, value: unknown) => boolean) | undefined {
  const attributes = record.attributes;
  if (!(LOG_RECORD_UID in attributes || 'faas.invocation_id' in attributes)) return undefined;
  const derived = derivedRecordUid(record);
  if (derived === undefined) return undefined;
  return (key, value) => key === 'faas.invocation_id' || (key === LOG_RECORD_UID && value === derived);
}
