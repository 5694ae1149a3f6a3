import { ProtobufWriter } from '../otlp/protobuf-writer.ts';

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
  const out = new ProtobufWriter(32 + input.length + Math.ceil(input.length / 6));
  out.varint(input.length);
  for (let start = 0; start < input.length; start += FRAGMENT) {
    compressFragment(input, start, Math.min(input.length, start + FRAGMENT), out);
  }
  return out.finish();
}

const FRAGMENT = 65536;
const HASH_BITS = 14;

function compressFragment(input: Uint8Array, start: number, end: number, out: ProtobufWriter): void {
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

function emitLiteral(input: Uint8Array, from: number, to: number, out: ProtobufWriter): void {
  const length = to - from;
  if (length === 0) return;
  const n = length - 1;
  // The length minus one: in the tag below 60, else in the 1 to 4 bytes after tag 60 to 63 (little-endian).
  if (n < 60) out.byte(n << 2);
  else {
    const size = n < 0x100 ? 1 : n < 0x10000 ? 2 : n < 0x1000000 ? 3 : 4;
    out.byte((59 + size) << 2);
    for (let i = 0; i < size; i++) out.byte(n >>> (8 * i));
  }
  out.raw(input, from, to);
}

/** Copies with a 2-byte offset (fragments are 64 KiB, so offsets fit), in pieces of at most 64 bytes. */
function emitCopy(offset: number, length: number, out: ProtobufWriter): void {
  while (length > 0) {
    const piece = Math.min(length, 64);
    out.byte(((piece - 1) << 2) | 2);
    out.byte(offset & 0xff);
    out.byte(offset >>> 8);
    length -= piece;
  }
}

function read32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}
