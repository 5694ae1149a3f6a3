/**
 * A protobuf wire-format reader driven by a small schema: enough to read the OTLP export requests the
 * library (and any OTLP/HTTP protobuf exporter) sends, without a protobuf dependency in the package. It gives
 * the tree protobufjs's `toObject(…, { longs: String })` gives: camelCase names, 64-bit integers as decimal
 * strings, bytes as Uint8Array, absent fields absent. Unknown fields are skipped, as protobuf requires.
 * https://protobuf.dev/programming-guides/encoding/
 */

/** A scalar's wire meaning, or the schema of a nested message. */
export type FieldType =
  'string' | 'bytes' | 'bool' | 'uint' | 'int64' | 'fixed64' | 'sfixed64' | 'fixed32' | 'double' | (() => MessageSchema);

/** One field: its name, its type, and whether it repeats. */
export type FieldSchema = readonly [name: string, type: FieldType, repeated?: 'repeated'];

/** A message: its fields by field number. */
export type MessageSchema = Readonly<Record<number, FieldSchema>>;

export type Decoded = Record<string, unknown>;

/** Reads one message of `schema` from `bytes`; throws on a truncated or malformed buffer. */
export function readMessage(bytes: Uint8Array, schema: MessageSchema): Decoded {
  const reader = new Reader(bytes);
  const out: Decoded = {};
  while (!reader.done) {
    const key = Number(reader.varint());
    const [fieldNumber, wireType] = [key >>> 3, key & 7];
    const field = schema[fieldNumber];
    if (!field) {
      reader.skip(wireType);
      continue;
    }
    const [name, type, repeated] = field;
    // Repeated scalars may come packed (one length-delimited run) or one by one.
    const values =
      wireType === 2 && typeof type === 'string' && type !== 'string' && type !== 'bytes'
        ? reader.packed(type)
        : [reader.value(wireType, type)];
    // Appended in place: copying the array for every entry is quadratic (a request of 80k spans took a minute).
    if (repeated) {
      const list = (out[name] as unknown[] | undefined) ?? (out[name] = []);
      for (const value of values) list.push(value);
    } else out[name] = values[values.length - 1];
  }
  return out;
}

class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.#at >= this.#bytes.length;
  }

  varint(): bigint {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.#take(1)[0]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
    }
    throw new Error('malformed varint');
  }

  value(wireType: number, type: FieldType): unknown {
    if (typeof type === 'function') return readMessage(this.#delimited(wireType), type());
    if (type === 'string') return new TextDecoder().decode(this.#delimited(wireType));
    if (type === 'bytes') return this.#delimited(wireType).slice();
    return this.#scalar(wireType, type);
  }

  packed(type: Exclude<FieldType, 'string' | 'bytes' | (() => MessageSchema)>): unknown[] {
    const run = new Reader(this.#delimited(2));
    const wireType = type === 'fixed64' || type === 'sfixed64' || type === 'double' ? 1 : type === 'fixed32' ? 5 : 0;
    const out: unknown[] = [];
    while (!run.done) out.push(run.#scalar(wireType, type));
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.#take(8);
    else if (wireType === 2) this.#delimited(2);
    else if (wireType === 5) this.#take(4);
    else throw new Error(`unsupported wire type ${wireType}`);
  }

  #scalar(wireType: number, type: string): unknown {
    if (wireType === 0) {
      const raw = this.varint();
      if (type === 'bool') return raw !== 0n;
      // int64 is two's complement over ten bytes; enums and uint32 fit a number.
      return type === 'int64' ? String(BigInt.asIntN(64, raw)) : Number(BigInt.asIntN(64, raw));
    }
    if (wireType === 1) {
      const at = this.#skipBy(8);
      if (type === 'double') return this.#view.getFloat64(at, true);
      return String(type === 'sfixed64' ? this.#view.getBigInt64(at, true) : this.#view.getBigUint64(at, true));
    }
    if (wireType === 5) return this.#view.getUint32(this.#skipBy(4), true);
    throw new Error(`wire type ${wireType} for a ${type}`);
  }

  #delimited(wireType: number): Uint8Array {
    if (wireType !== 2) throw new Error(`wire type ${wireType} where a length-delimited field belongs`);
    return this.#take(Number(this.varint()));
  }

  #skipBy(count: number): number {
    const at = this.#at;
    this.#take(count);
    return at;
  }

  #take(count: number): Uint8Array {
    if (this.#at + count > this.#bytes.length) throw new Error('truncated protobuf message');
    const slice = this.#bytes.subarray(this.#at, this.#at + count);
    this.#at += count;
    return slice;
  }
}
