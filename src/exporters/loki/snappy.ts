/**
 * Snappy block compression (the raw format Loki's protobuf push expects), in plain JavaScript so bundles
 * need no native module. Greedy matching with a 4-byte hash over 64 KiB fragments, as the reference
 * encoder does; literal and 2-byte-offset copy elements only.
 * https://github.com/google/snappy/blob/main/format_description.txt
 *
 * @example
 * const compressed = snappyCompress(new TextEncoder().encode('hello hello hello'));
 */
export function snappyCompress(input: Uint8Array): Uint8Array {
  const out = new ByteSink(32 + input.length + Math.ceil(input.length / 6));
  out.varint(input.length);
  for (let start = 0; start < input.length; start += FRAGMENT) {
    compressFragment(input, start, Math.min(input.length, start + FRAGMENT), out);
  }
  return out.bytes();
}

const FRAGMENT = 65536;
const HASH_BITS = 14;

function compressFragment(input: Uint8Array, start: number, end: number, out: ByteSink): void {
  const table = new Int32Array(1 << HASH_BITS).fill(-1);
  let literalStart = start;
  let i = start;
  while (i + 4 <= end) {
    const word = read32(input, i);
    const slot = Math.imul(word, 0x1e35a7bd) >>> (32 - HASH_BITS);
    const candidate = table[slot]!;
    table[slot] = i;
    if (candidate >= start && read32(input, candidate) === word) {
      emitLiteral(input, literalStart, i, out);
      let length = 4;
      while (i + length < end && input[candidate + length] === input[i + length]) length++;
      emitCopy(i - candidate, length, out);
      i += length;
      literalStart = i;
    } else i++;
  }
  emitLiteral(input, literalStart, end, out);
}

function emitLiteral(input: Uint8Array, from: number, to: number, out: ByteSink): void {
  const length = to - from;
  if (length === 0) return;
  const n = length - 1;
  if (n < 60) out.byte(n << 2);
  else if (n < 0x100) out.byte(60 << 2).byte(n);
  else if (n < 0x10000)
    out
      .byte(61 << 2)
      .byte(n & 0xff)
      .byte(n >>> 8);
  else if (n < 0x1000000)
    out
      .byte(62 << 2)
      .byte(n & 0xff)
      .byte((n >>> 8) & 0xff)
      .byte(n >>> 16);
  else
    out
      .byte(63 << 2)
      .byte(n & 0xff)
      .byte((n >>> 8) & 0xff)
      .byte((n >>> 16) & 0xff)
      .byte(n >>> 24);
  out.copy(input, from, to);
}

/** Copies with a 2-byte offset (fragments are 64 KiB, so offsets fit), in pieces of at most 64 bytes. */
function emitCopy(offset: number, length: number, out: ByteSink): void {
  while (length > 0) {
    const piece = Math.min(length, 64);
    out
      .byte(((piece - 1) << 2) | 2)
      .byte(offset & 0xff)
      .byte(offset >>> 8);
    length -= piece;
  }
}

function read32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** A growable byte buffer shared by the snappy and protobuf encoders. */
export class ByteSink {
  #buffer: Uint8Array;
  #length = 0;
  constructor(capacity = 256) {
    this.#buffer = new Uint8Array(capacity);
  }
  #reserve(extra: number): void {
    if (this.#length + extra <= this.#buffer.length) return;
    const next = new Uint8Array(Math.max(this.#buffer.length * 2, this.#length + extra));
    next.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = next;
  }
  byte(value: number): this {
    this.#reserve(1);
    this.#buffer[this.#length++] = value & 0xff;
    return this;
  }
  varint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.byte((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    return this.byte(rest);
  }
  copy(source: Uint8Array, from = 0, to = source.length): this {
    this.#reserve(to - from);
    this.#buffer.set(source.subarray(from, to), this.#length);
    this.#length += to - from;
    return this;
  }
  get length(): number {
    return this.#length;
  }
  bytes(): Uint8Array {
    return this.#buffer.slice(0, this.#length);
  }
}
