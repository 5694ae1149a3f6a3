import { gunzipSync } from 'node:zlib';
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
});
