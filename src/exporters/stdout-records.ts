import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { hrTimeToNanos } from './loki-streams.ts';

/** Writes one line; on Lambda `process.stdout.write`, elsewhere the console as it was before the bridge. */
export type LineWriter = (line: string) => void;

/**
 * The last resort: each record as one JSON line (OTLP field names, the `log.record.uid` attribute kept),
 * so Lambda's log capture holds what neither the collector nor Loki took, and it can be re-ingested and
 * de-duplicated later.
 *
 * @example
 * writeRecordsAsJsonLines(records, (line) => process.stdout.write(`${line}\n`));
 */
export function writeRecordsAsJsonLines(records: readonly ReadableLogRecord[], write: LineWriter): void {
  for (const record of records) {
    let line: string;
    try {
      line = JSON.stringify(
        {
          undelivered_log_record: true,
          time_unix_nano: hrTimeToNanos(record.hrTime),
          severity_number: record.severityNumber,
          severity_text: record.severityText,
          body: record.body,
          trace_id: record.spanContext?.traceId,
          span_id: record.spanContext?.spanId,
          attributes: record.attributes,
          resource: record.resource.attributes,
        },
        (_key, value) => (typeof value === 'bigint' ? value.toString() : value),
      );
    } catch {
      line = JSON.stringify({ undelivered_log_record: true, time_unix_nano: hrTimeToNanos(record.hrTime), body: String(record.body) });
    }
    try {
      write(line);
    } catch {
      // Nothing is left to try; the line was the last resort.
    }
  }
}
