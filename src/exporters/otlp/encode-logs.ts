import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { anyValue, attributes, encodeRequest } from './encode-common.ts';
import type { ProtobufWriter } from './protobuf-writer.ts';

/**
 * An OTLP `ExportLogsServiceRequest` (opentelemetry/proto/collector/logs/v1), byte for byte what the
 * official `ProtobufLogsSerializer` writes, without its size estimator and response readers. `omitted`
 * gives, per record, the attributes to leave out (as if the record had not had them).
 *
 * @example
 * await fetch(url, { method: 'POST', body: encodeLogs(records), headers: { 'content-type': 'application/x-protobuf' } });
 */
export function encodeLogs(
  records: readonly ReadableLogRecord[],
  omitted?: (record: ReadableLogRecord) => OmitAttribute | undefined,
): Uint8Array {
  return encodeRequest(records, (w, record) => writeLogRecord(w, record, omitted?.(record)));
}

type OmitAttribute = (key: string, value: unknown) => boolean;

function writeLogRecord(w: ProtobufWriter, record: ReadableLogRecord, omit: OmitAttribute | undefined): void {
  const at = w.open(2);
  w.time(1, record.hrTime);
  if (record.severityNumber) {
    w.tag(2, 0);
    w.varint(record.severityNumber);
  }
  if (record.severityText) {
    w.tag(3, 2);
    w.string(record.severityText);
  }
  if (record.body !== undefined) anyValue(w, 5, record.body);
  attributes(w, 6, record.attributes, omit);
  w.tag(7, 0);
  w.varint(record.droppedAttributesCount);
  const span = record.spanContext;
  if (span?.traceFlags) {
    w.tag(8, 5);
    w.fixed32(span.traceFlags);
  }
  if (span?.traceId) w.hex(9, span.traceId);
  if (span?.spanId) w.hex(10, span.spanId);
  w.time(11, record.hrTimeObserved);
  if (record.eventName) {
    w.tag(12, 2);
    w.string(record.eventName);
  }
  w.close(at);
}
