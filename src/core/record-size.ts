import type { AttributeValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

// Heap bytes of an SDK record with no body and no attributes, measured on Node 24 (a log record with a
// 45-character body and two attributes takes about 450 bytes, a span with two attributes about 930).
const LOG_RECORD_BYTES = 300;
const SPAN_BYTES = 750;
const ATTRIBUTE_BYTES = 40;

/** Estimated heap bytes of a log record: what the memory cap counts. */
export function logRecordSize(record: ReadableLogRecord): number {
  return LOG_RECORD_BYTES + valueSize(record.body) + attributesSize(record.attributes);
}

/** Estimated heap bytes of a span: what the memory cap counts. */
export function spanSize(span: ReadableSpan): number {
  let bytes = SPAN_BYTES + span.name.length + attributesSize(span.attributes);
  for (const event of span.events) bytes += ATTRIBUTE_BYTES + event.name.length + attributesSize(event.attributes);
  return bytes + span.links.length * ATTRIBUTE_BYTES;
}

function attributesSize(attributes: Attributes | undefined): number {
  if (!attributes) return 0;
  let bytes = 0;
  for (const key in attributes) bytes += ATTRIBUTE_BYTES + key.length + valueSize(attributes[key]);
  return bytes;
}

function valueSize(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 8;
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth > 2) return ATTRIBUTE_BYTES;
  let bytes = 0;
  if (Array.isArray(value)) for (const item of value as AttributeValue[]) bytes += 8 + valueSize(item, depth + 1);
  else for (const key in value) bytes += ATTRIBUTE_BYTES + key.length + valueSize((value as Record<string, unknown>)[key], depth + 1);
  return bytes;
}
