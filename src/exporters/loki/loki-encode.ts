import type { LokiStream } from './loki-streams.ts';
import { ByteSink, snappyCompress } from './snappy.ts';

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
  return { body: await gzip(json), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } };
}

/** Gzip through the Web Streams API, present in Node, workerd, Deno and Vercel alike. */
async function gzip(text: string): Promise<Uint8Array> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// logproto.PushRequest { repeated StreamAdapter streams = 1; }
// StreamAdapter { string labels = 1; repeated EntryAdapter entries = 2; }
// EntryAdapter { google.protobuf.Timestamp timestamp = 1; string line = 2; repeated LabelPairAdapter structuredMetadata = 3; }
// LabelPairAdapter { string name = 1; string value = 2; }   Timestamp { int64 seconds = 1; int32 nanos = 2; }
const encoder = new TextEncoder();

function encodePushRequest(streams: readonly LokiStream[]): Uint8Array {
  const request = new ByteSink();
  for (const stream of streams) {
    const message = new ByteSink();
    stringField(message, 1, prometheusLabels(stream.labels));
    for (const entry of stream.entries) {
      const item = new ByteSink();
      const nanos = BigInt(entry.timestampNs);
      const timestamp = new ByteSink();
      timestamp.byte((1 << 3) | 0).varint(Number(nanos / 1_000_000_000n));
      timestamp.byte((2 << 3) | 0).varint(Number(nanos % 1_000_000_000n));
      messageField(item, 1, timestamp);
      stringField(item, 2, entry.line);
      for (const [name, value] of Object.entries(entry.metadata)) {
        const pair = new ByteSink();
        stringField(pair, 1, name);
        stringField(pair, 2, value);
        messageField(item, 3, pair);
      }
      messageField(message, 2, item);
    }
    messageField(request, 1, message);
  }
  return request.bytes();
}

function stringField(sink: ByteSink, field: number, value: string): void {
  const bytes = encoder.encode(value);
  sink
    .byte((field << 3) | 2)
    .varint(bytes.length)
    .copy(bytes);
}

function messageField(sink: ByteSink, field: number, message: ByteSink): void {
  sink
    .byte((field << 3) | 2)
    .varint(message.length)
    .copy(message.bytes());
}

/** `{service_name="orders", level="info"}`, values escaped as Prometheus label values. */
export function prometheusLabels(labels: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(labels).map(
    ([name, value]) => `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${pairs.join(', ')}}`;
}
