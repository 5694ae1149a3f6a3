import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { readLogs, readMetrics, readSpans } from '../../src/cli/otlp-read.ts';
import { readMessage } from '../../src/cli/protobuf-reader.ts';
import { encodeLogs } from '../../src/exporters/otlp/encode-logs.ts';
import { encodeSpans } from '../../src/exporters/otlp/encode-spans.ts';
import { decodeLogs, decodeMetrics, decodeSpans } from '../../tools/otlp-decode.ts';
import { sdkResourceMetrics } from '../helpers/metric-batches.ts';
import { handLogs, handSpans, sdkLogs, sdkSpans } from '../helpers/otlp-batches.ts';

// The package's own OTLP reader (what `faas-observability invoke` shows) against protobufjs and the official
// .proto files, on the requests the encoder tests use: every AnyValue kind, 64-bit edges, several resources.

/** protobufjs reads Span.flags as 0 (its .proto files predate the field); the rest must be equal. */
const withoutFlags = <T extends { flags?: number }>(items: T[]) => items.map(({ flags: _flags, ...rest }) => rest);

describe('src/cli/otlp-read.ts reads what protobufjs reads', () => {
  it('spans: the SDK batch and the hand-made edges', async () => {
    for (const spans of [await sdkSpans(), handSpans()]) {
      const body = encodeSpans(spans);
      expect(withoutFlags(readSpans(body))).toEqual(withoutFlags(decodeSpans(body)));
    }
    expect(readSpans(encodeSpans(handSpans())).some((s) => (s.flags ?? 0) !== 0)).toBe(true);
  });

  it('log records: the SDK batch and the hand-made edges', async () => {
    for (const logs of [await sdkLogs(), handLogs()]) {
      const body = encodeLogs(logs);
      expect(readLogs(body)).toEqual(decodeLogs(body));
    }
  });

  it('metrics: sums, gauges and histograms as the official serializer writes them', async () => {
    for (const resourceMetrics of await sdkResourceMetrics()) {
      const body = ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!;
      expect(readMetrics(body)).toEqual(decodeMetrics(body));
    }
  });

  it('skips unknown fields, reads packed and unpacked repeats alike, and refuses a truncated message', () => {
    // field 9 (unknown, varint 1), then field 1 packed [1, 2] and field 1 unpacked 3.
    const bytes = Uint8Array.from([0x48, 0x01, 0x0a, 0x02, 0x01, 0x02, 0x08, 0x03]);
    expect(readMessage(bytes, { 1: ['n', 'uint', 'repeated'] })).toEqual({ n: [1, 2, 3] });
    expect(() => readMessage(Uint8Array.from([0x0a, 0x05, 0x01]), { 1: ['s', 'string'] })).toThrow(/truncated/);
  });

  it('reads 100k entries of a repeated field in linear time (a big export request)', () => {
    // field 1 unpacked, value 1, 100 000 times: appending by copying the array would take minutes.
    const bytes = new Uint8Array(200_000).map((_, i) => (i % 2 === 0 ? 0x08 : 0x01));
    const started = performance.now();
    const decoded = readMessage(bytes, { 1: ['n', 'uint', 'repeated'] });
    expect(performance.now() - started).toBeLessThan(1000);
    expect((decoded.n as number[]).length).toBe(100_000);
  });
});
