import type { LokiStream } from './loki-streams.ts';
import { gzipWithCompressionStream } from '../gzip.ts';
import { ProtobufWriter } from '../otlp/protobuf-writer.ts';
import { snappyCompress } from './snappy.ts';

export type LokiFormat = 'json' | 'json-gzip' | 'protobuf';

export interface EncodedPush {
  readonly body: Uint8Array | string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Encodes streams for `POST /loki/api/v1/push`: JSON (structured metadata as the third element of each
 * value), JSON compressed with gzip, or protobuf `logproto.PushRequest` compressed with snappy.
 * https://grafana.com/docs/loki/latest/reference/loki-http-api/#ingest-logs
 *
 * @example
 * const { body, headers } = await encodeLokiPush(streams, 'json');
 */
export async function encodeLokiPush(streams: readonly LokiStream[], format: LokiFormat): Promise<EncodedPush> {
  if (format === 'protobuf') {
    return { body: snappyCompress(encodePushRequest(streams)), headers: { 'content-type': 'application/x-protobuf' } };
  }
  const json = JSON.stringify({
    streams: streams.map((stream) => ({
      stream: stream.labels,
      values: stream.entries.map((entry) => [entry.timestampNs, entry.line, entry.metadata]),
    })),
  });
  if (format === 'json') return { body: json, headers: { 'content-type': 'application/json' } };
  return { body: await gzipWithCompressionStream(json), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
}

// logproto.PushRequest { repeated StreamAdapter streams = 1; }
// StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; }
// EntryAdapter { google.protobuf.Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; }
// LabelPairAdapter { string name = 1; string value = 2; }   Timestamp { int64 seconds = 1; int32 nanos = 2; }
function encodePushRequest(streams: readonly LokiStream[]): Uint8Array {
  const w = new ProtobufWriter();
  for (const stream of streams) {
    const message = w.open(1);
    stringField(w, 1, prometheusLabels(stream.labels));
    for (const entry of stream.entries) {
      const item = w.open(2);
      const nanos = BigInt(entry.timestampNs);
      const timestamp = w.open(1);
      w.tag(1, 0);
      w.varint(Number(nanos / 1_000_000_000n));
      w.tag(2, 0);
      w.varint(Number(nanos % 1_000_000_000n));
      w.close(timestamp);
      stringField(w, 2, entry.line);
      for (const [name, value] of Object.entries(entry.metadata)) {
        const pair = w.open(3);
        stringField(w, 1, name);
        stringField(w, 2, value);
        w.close(pair);
      }
      w.close(item);
    }
    w.close(message);
  }
  return w.finish();
}

function stringField(w: ProtobufWriter, field: number, value: string): void {
  w.tag(field, 2);
  w.string(value);
}

/** `{service_name="orders", level="info"}`, values escaped as Prometheus label values. */
export function prometheusLabels(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(
    ([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(', ')}}`;
}
