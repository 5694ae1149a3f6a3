import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { compressionStreamGzip } from '../../src/edge/compression-stream-gzip.ts';
import { gzipWithCompressionStream } from '../../src/exporters/gzip.ts';
import { ProtobufWriter } from '../../src/exporters/otlp/protobuf-writer.ts';

describe('one gzip and one byte writer for every encoder', () => {
  it('the edge entry gzips OTLP bodies with the function the Loki fallback uses; both kinds of body round-trip', async () => {
    expect(compressionStreamGzip()).toBe(gzipWithCompressionStream);
    expect(gunzipSync(await gzipWithCompressionStream('{"streams":[]}')).toString()).toBe('{"streams":[]}');
    expect([...gunzipSync(await gzipWithCompressionStream(new Uint8Array([0, 255, 7])))]).toEqual([0, 255, 7]);
  });

  it('ProtobufWriter writes the raw bytes snappy needs beside its varints, growing past its capacity', () => {
    const w = new ProtobufWriter(2);
    w.varint(2 ** 40);
    w.byte(0x1ff);
    w.raw(new Uint8Array([1, 2, 3, 4]), 1, 3);
    expect([...w.finish()]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0xff, 2, 3]);
  });

  it('ProtobufWriter.sfixed64 writes the bytes protobufjs writes for sfixed64, negatives and past 2^32 included', () => {
    for (const value of [
      0,
      1,
      -1,
      127,
      -128,
      2 ** 31,
      -(2 ** 31),
      2 ** 32 - 1,
      2 ** 32,
      -(2 ** 32),
      2 ** 40 + 5,
      -(2 ** 40) - 5,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      -(2 ** 63),
    ]) {
      const ours = new ProtobufWriter(1);
      ours.sfixed64(value);
      const theirs = protobuf.Writer.create().sfixed64(value).finish();
      expect([...ours.finish()], String(value)).toEqual([...theirs]);
    }
  });
});
