import type { IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import snappy from 'snappyjs';
import { startLoopbackServer, type LoopbackBehaviour, type LoopbackRequest } from '../../tools/loopback.ts';

export interface LokiEntry {
  labels: Record<string, string>;
  timestampNs: string;
  line: string;
  metadata: Record<string, string>;
}

export interface LokiReceiver {
  readonly url: string;
  readonly entries: LokiEntry[];
  readonly requests: { headers: IncomingHttpHeaders; format: string }[];
  /** Bodies that broke Loki's push schema, with the reason: must stay empty. */
  readonly invalid: string[];
  behave(next: LoopbackBehaviour): void;
  close(): Promise<void>;
}

const PushRequest = protobuf.loadSync(new URL('../fixtures/loki-push.proto', import.meta.url).pathname).lookupType('logproto.PushRequest');
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A loopback stand-in for Loki's `POST /loki/api/v1/push` (the collector's Loki receiver does not build
 * here). It checks each body against the push schema — JSON (`streams[].stream`, `values[][ns, line,
 * metadata?]`) or snappy-compressed protobuf — and answers 400 with the reason when it breaks it, as Loki does.
 * A layer over the loopback server (`tools/loopback.ts`): `behave` takes its behaviours.
 */
export async function startLokiReceiver(options: { port?: number } = {}): Promise<LokiReceiver> {
  const entries: LokiEntry[] = [];
  const invalid: string[] = [];
  const server = await startLoopbackServer({
    port: options.port,
    faultBody: 'behaving',
    handle: (request) => {
      if (!isPush(request)) return { status: 404 };
      try {
        entries.push(...decode(request.body, String(request.headers['content-type']), request.headers['content-encoding']));
        return { status: 204 };
      } catch (error) {
        invalid.push((error as Error).message);
        return { status: 400, body: (error as Error).message };
      }
    },
  });
  return {
    url: server.url,
    entries,
    get requests() {
      return server.requests.filter(isPush).map(({ headers }) => ({
        headers,
        format: `${headers['content-type']}${headers['content-encoding'] ? `+${headers['content-encoding']}` : ''}`,
      }));
    },
    invalid,
    behave: server.behave,
    close: server.close,
  };
}

const isPush = (request: LoopbackRequest) => request.path === '/loki/api/v1/push' && request.method === 'POST';

function decode(raw: Buffer, contentType: string, encoding: string | undefined): LokiEntry[] {
  if (contentType === 'application/x-protobuf') return decodeProtobuf(Buffer.from(snappy.uncompress(raw)));
  if (contentType !== 'application/json') throw new Error(`unsupported content-type ${contentType}`);
  return decodeJson(JSON.parse((encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')));
}

function decodeJson(body: any): LokiEntry[] {
  if (!Array.isArray(body?.streams)) throw new Error('streams must be an array');
  return body.streams.flatMap((stream: any) => {
    const labels = checkLabels(stream.stream);
    if (!Array.isArray(stream.values)) throw new Error('values must be an array');
    return stream.values.map((value: unknown) => {
      if (!Array.isArray(value) || value.length < 2 || value.length > 3) throw new Error('a value is [ns, line, metadata?]');
      const [timestampNs, line, metadata = {}] = value;
      if (typeof timestampNs !== 'string' || !/^\d{19}$/.test(timestampNs))
        throw new Error(`timestamp must be ns as a string, got ${JSON.stringify(timestampNs)}`);
      if (typeof line !== 'string') throw new Error('line must be a string');
      return { labels, timestampNs, line, metadata: checkLabels(metadata) };
    });
  });
}

function decodeProtobuf(bytes: Uint8Array): LokiEntry[] {
  const request = PushRequest.toObject(PushRequest.decode(bytes), { longs: String }) as any;
  return (request.streams ?? []).flatMap((stream: any) => {
    const labels = Object.fromEntries(
      [...String(stream.labels).matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]!.replace(/\\(.)/g, '$1')]),
    );
    checkLabels(labels);
    return (stream.entries ?? []).map((entry: any) => ({
      labels,
      timestampNs: (BigInt(entry.timestamp.seconds) * 1_000_000_000n + BigInt(entry.timestamp.nanos ?? 0)).toString(),
      line: entry.line,
      metadata: Object.fromEntries((entry.structuredMetadata ?? []).map((pair: any) => [pair.name, pair.value])),
    }));
  });
}

function checkLabels(labels: unknown): Record<string, string> {
  if (typeof labels !== 'object' || labels === null) throw new Error('labels must be an object');
  for (const [name, value] of Object.entries(labels)) {
    if (!LABEL_NAME.test(name)) throw new Error(`invalid label name ${name}`);
    if (typeof value !== 'string') throw new Error(`label ${name} must be a string`);
  }
  return labels as Record<string, string>;
}
