/** Attributes as tests read them: plain values by key. */
export type Attrs = Record<string, unknown>;

/** Bytes (protobuf ids) as lower-case hex. */
export const hex = (value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : '');

/** One OTLP `AnyValue` as a plain value. */
export function anyValue(value: Record<string, unknown> | undefined): unknown {
  if (!value) return undefined;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return ((value.arrayValue as { values?: Record<string, unknown>[] }).values ?? []).map(anyValue);
  if ('kvlistValue' in value) return attrs((value.kvlistValue as { values?: never[] }).values);
  if ('bytesValue' in value) return hex(value.bytesValue);
  return undefined;
}

/** OTLP `KeyValue` lists (protobufjs objects or OTLP JSON) as plain attributes. */
export function attrs(list: { key: string; value?: Record<string, unknown> }[] | undefined): Attrs {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, anyValue(value)]));
}
