import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { otlpOmittedAttributes } from '../src/exporters/record-uid.ts';

/**
 * A copy of a record without the attributes its OTLP request leaves out (`otlpOmittedAttributes`): what the
 * official serializers must be given to write the bytes our encoder writes, for the tests and the bench that
 * compare the two.
 *
 * @example
 * ProtobufLogsSerializer.serializeRequest(records.map(otlpWireRecord));
 */
export function otlpWireRecord(record: ReadableLogRecord): ReadableLogRecord {
  const omitted = otlpOmittedAttributes(record);
  if (!omitted) return record;
  const kept = Object.fromEntries(Object.entries(record.attributes).filter(([key, value]) => !omitted(key, value)));
  // The record's own getters (hrTime, spanContext…) read through the prototype; only attributes differ.
  return Object.create(record, { attributes: { value: kept, enumerable: true } }) as ReadableLogRecord;
}
