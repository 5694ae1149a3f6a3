import type { Attributes } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import { ProtobufWriter } from './protobuf-writer.ts';

/** What OTLP groups records by: the SDK gives one object per resource and per scope, so identity is enough. */
export interface ScopedRecord {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number };
}

/**
 * An OTLP export request (`ExportTraceServiceRequest` or `ExportLogsServiceRequest`: the same
 * resource → scope → records nesting, with `write` writing one record's field 2 of its scope message).
 * Records are grouped by resource, then scope, in order of first appearance, as the official serializers do.
 *
 * @example
 * encodeRequest(spans, writeSpan); // Uint8Array
 */
export function encodeRequest<T extends ScopedRecord>(records: readonly T[], write: (w: ProtobufWriter, record: T) => void): Uint8Array {
  const resources = new Map<Resource, Map<object, T[]>>();
  for (const record of records) {
    let scopes = resources.get(record.resource);
    if (!scopes) resources.set(record.resource, (scopes = new Map()));
    const same = scopes.get(record.instrumentationScope);
    if (same) same.push(record);
    else scopes.set(record.instrumentationScope, [record]);
  }
  const w = new ProtobufWriter();
  for (const [resource, scopes] of resources) {
    const resourceAt = w.open(1);
    const inner = w.open(1);
    attributes(w, 1, resource.attributes);
    w.tag(2, 0); // dropped_attributes_count, written as 0 like the official serializer
    w.varint(0);
    w.close(inner);
    for (const scoped of scopes.values()) writeScope(w, scoped, write);
    if (resource.schemaUrl) {
      w.tag(3, 2);
      w.string(resource.schemaUrl);
    }
    w.close(resourceAt);
  }
  return w.finish();
}

function writeScope<T extends ScopedRecord>(w: ProtobufWriter, records: T[], write: (w: ProtobufWriter, record: T) => void): void {
  const scope = records[0]!.instrumentationScope;
  const scopedAt = w.open(2);
  const scopeAt = w.open(1);
  w.tag(1, 2);
  w.string(scope.name);
  if (scope.version) {
    w.tag(2, 2);
    w.string(scope.version);
  }
  if (scope.attributes) attributes(w, 3, scope.attributes);
  if (scope.droppedAttributesCount) {
    w.tag(4, 0);
    w.varint(scope.droppedAttributesCount);
  }
  w.close(scopeAt);
  for (const record of records) write(w, record);
  if (scope.schemaUrl) {
    w.tag(3, 2);
    w.string(scope.schemaUrl);
  }
  w.close(scopedAt);
}

/** Repeated `KeyValue` in `field`, own enumerable keys in their order, but those `omit` says to leave out. */
export function attributes(
  w: ProtobufWriter,
  field: number,
  values: Attributes | Record<string, unknown> | undefined,
  omit?: (key: string, value: unknown) => boolean,
): void {
  for (const key in values) {
    if (!Object.hasOwn(values, key)) continue;
    const value = values[key];
    if (omit?.(key, value)) continue;
    const at = w.open(field);
    w.tag(1, 2);
    w.string(key);
    anyValue(w, 2, value);
    w.close(at);
  }
}

const INT64_LIMIT = 2 ** 63;

/**
 * An `AnyValue` message in `field`: string, bool, int (an integer within int64), double (any other number,
 * NaN and infinities included), bytes, array, kvlist; null, undefined and other types give an empty value.
 */
export function anyValue(w: ProtobufWriter, field: number, value: unknown): void {
  const at = w.open(field);
  if (typeof value === 'string') {
    w.tag(1, 2);
    w.string(value);
  } else if (typeof value === 'boolean') {
    w.tag(2, 0);
    w.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -INT64_LIMIT && value < INT64_LIMIT) {
      w.tag(3, 0);
      w.varint(value);
    } else {
      w.tag(4, 1);
      w.double(value);
    }
  } else if (value instanceof Uint8Array) {
    w.tag(7, 2);
    w.bytes(value);
  } else if (Array.isArray(value)) {
    const list = w.open(5);
    for (const item of value) anyValue(w, 1, item);
    w.close(list);
  } else if (typeof value === 'object' && value !== null) {
    const list = w.open(6);
    attributes(w, 1, value as Record<string, unknown>);
    w.close(list);
  }
  w.close(at);
}
