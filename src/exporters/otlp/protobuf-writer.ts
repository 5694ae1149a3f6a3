import type { HrTime } from '@opentelemetry/api';

const utf8 = new TextEncoder();
const float = new Float64Array(1);
const floatBytes = new Uint8Array(float.buffer);

/**
 * A growable protobuf buffer, and the one byte writer of the exporters (Loki's protobuf and snappy use it:
 * snappy's lengths are the same LEB128 varints). A nested message reserves one byte for its length and moves its content when
 * the length needs more (most OTLP messages are under 128 bytes), so a request is written in one pass.
 * Byte for byte what `@opentelemetry/otlp-transformer`'s writer produces for the same calls.
 *
 * @example
 * const w = new ProtobufWriter();
 * const at = w.open(1);
 * w.tag(1, 2); w.string('name');
 * w.close(at);
 * w.finish(); // Uint8Array [10, 6, 10, 4, 110, 97, 109, 101]
 */
export class ProtobufWriter {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1024) {
    this.buf = new Uint8Array(capacity);
  }

  /** Room for `n` more bytes. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** A varint; negative and 64-bit values as two's complement int64 (precision above 2^53 is already lost). */
  varint(value: number): void {
    this.room(10);
    const buf = this.buf;
    if (value >= 0 && value <= 0xffffffff) {
      let v = value >>> 0;
      for (; v > 127; v >>>= 7) buf[this.pos++] = (v & 127) | 128;
      buf[this.pos++] = v;
      return;
    }
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    for (; high > 0 || low > 127; high >>>= 7) {
      buf[this.pos++] = (low & 127) | 128;
      low = ((low >>> 7) | (high << 25)) >>> 0;
    }
    buf[this.pos++] = low;
  }

  tag(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  fixed32(value: number): void {
    this.room(4);
    for (let i = 0; i < 4; i++) this.buf[this.pos++] = (value >>> (8 * i)) & 255;
  }

  /**
   * An int64 as 8 little-endian bytes, negatives in two's complement: `sfixed64`, and `fixed64` for counts
   * (the same bytes for what is not negative). Fractions are cut as the official writer cuts them.
   */
  sfixed64(value: number): void {
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    this.fixed32(low);
    this.fixed32(high);
  }

  /** Nanoseconds since the epoch as fixed64, from [seconds, nanoseconds] without losing precision. */
  time(field: number, [seconds, nanos]: HrTime): void {
    this.tag(field, 1);
    const low16 = (seconds & 0xffff) * 1e9 + nanos; // < 2^47: exact
    const high16 = ((seconds / 0x10000) >>> 0) * 1e9; // to be shifted left by 16 bits
    const low = (low16 % 0x100000000) + (high16 % 0x10000) * 0x10000;
    this.fixed32(low >>> 0);
    this.fixed32(Math.floor(low16 / 0x100000000) + Math.floor(high16 / 0x10000) + Math.floor(low / 0x100000000));
  }

  double(value: number): void {
    // Little-endian, as protobuf wants: every runtime this library targets is little-endian (x86-64, arm64).
    float[0] = value;
    this.room(8);
    this.buf.set(floatBytes, this.pos);
    this.pos += 8;
  }

  bytes(bytes: Uint8Array): void {
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** One byte as it is (snappy's element tags). */
  byte(value: number): void {
    this.room(1);
    this.buf[this.pos++] = value & 0xff;
  }

  /** `source[from, to)` as it is, with no length before it (snappy's literals). */
  raw(source: Uint8Array, from = 0, to = source.length): void {
    this.room(to - from);
    this.buf.set(source.subarray(from, to), this.pos);
    this.pos += to - from;
  }

  /** UTF-8, lone surrogates as U+FFFD (as TextEncoder does). ASCII is copied as it is checked. */
  string(value: string): void {
    const start = this.pos;
    const length = value.length;
    this.varint(length);
    this.room(length);
    const buf = this.buf;
    for (let i = 0; i < length; i++) {
      const code = value.charCodeAt(i);
      if (code > 127) {
        this.pos = start;
        return this.bytes(utf8.encode(value));
      }
      buf[this.pos++] = code;
    }
  }

  /** A trace or span id: its hex string as bytes (`A-F` read like `a-f`). */
  hex(field: number, value: string): void {
    this.tag(field, 2);
    const length = value.length >>> 1;
    this.varint(length);
    this.room(length);
    for (let i = 0; i < 2 * length; i += 2) this.buf[this.pos++] = (nibble(value, i) << 4) | nibble(value, i + 1);
  }

  /** Starts a nested message in `field`; returns where its length goes, for {@link close}. */
  open(field: number): number {
    this.tag(field, 2);
    this.room(1);
    return this.pos++;
  }

  close(at: number): void {
    const length = this.pos - at - 1;
    let size = 1;
    while (length >= 128 ** size) size++;
    if (size > 1) {
      this.room(size - 1);
      this.buf.copyWithin(at + size, at + 1, this.pos);
      this.pos += size - 1;
    }
    let v = length;
    for (; v > 127; v >>>= 7) this.buf[at++] = (v & 127) | 128;
    this.buf[at] = v;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

function nibble(hex: string, i: number): number {
  const code = hex.charCodeAt(i);
  return code <= 57 ? code - 48 : code >= 97 ? code - 87 : code - 55;
}
