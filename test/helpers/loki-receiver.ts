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

/**
 * Loki's per-tenant validation limits (`limits_config`: `max_line_size`, `max_structured_metadata_size`,
 * `max_structured_metadata_entries_count`; defaults 256KB, 64KB and 128), enforced by the stand-in as Loki's
 * distributor does: an entry over a limit is discarded, the valid entries of the same push are kept, and the
 * push is answered 400 with the first entry's reason.
 * https://grafana.com/docs/loki/latest/configure/#limits_config
 * https://grafana.com/docs/loki/latest/operations/request-validation-rate-limits/
 */
export interface LokiValidationLimits {
  readonly maxLineSize: number;
  readonly maxStructuredMetadataSize: number;
  readonly maxStructuredMetadataEntries: number;
}

/** Loki's documented defaults. */
export const LOKI_DEFAULT_VALIDATION: LokiValidationLimits = {
  maxLineSize: 256 * 1024,
  maxStructuredMetadataSize: 64 * 1024,
  maxStructuredMetadataEntries: 128,
};

export interface LokiReceiver {
  readonly url: string;
  readonly entries: LokiEntry[];
  /** Entries refused by the validation limits, counted by Loki's reason (`line_too_long`, …). */
  readonly discarded: Record<string, number>;
  readonly requests: { headers: IncomingHttpHeaders; format: string }[];
  /** Every push body, uncompressed (snappy or gzip undone), as latin1 text: what was on the wire. */
  readonly bodies: string[];
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
export async function startLokiReceiver(options: { port?: number; validation?: LokiValidationLimits } = {}): Promise<LokiReceiver> {
  const entries: LokiEntry[] = [];
  const invalid: string[] = [];
  const discarded: Record<string, number> = {};
  const server = await startLoopbackServer({
    port: options.port,
    faultBody: 'behaving',
    handle: (request) => {
      if (!isPush(request)) return { status: 404 };
      try {
        const pushed = decode(request);
        let firstRefusal: string | undefined;
        for (const entry of pushed) {
          const refusal = options.validation && validate(entry, options.validation);
          if (!refusal) entries.push(entry);
          else {
            discarded[refusal.reason] = (discarded[refusal.reason] ?? 0) + 1;
            firstRefusal ??= refusal.message;
          }
        }
        return firstRefusal ? { status: 400, body: firstRefusal } : { status: 204 };
      } catch (error) {
        invalid.push((error as Error).message);
        return { status: 400, body: (error as Error).message };
      }
    },
  });
  return {
    url: server.url,
    entries,
    discarded,
    get requests() {
      return server.requests.filter(isPush).map(({ headers }) => ({
        headers,
        format: `${headers['content-type']}${headers['content-encoding'] ? `+${headers['content-encoding']}` : ''}`,
      }));
    },
    get bodies() {
      return server.requests.filter(isPush).map((request) => uncompressed(request).toString('latin1'));
    },
    invalid,
    behave: server.behave,
    close: server.close,
  };
}

const isPush = (request: LoopbackRequest) => request.path === '/loki/api/v1/push' && request.method === 'POST';

function decode(request: LoopbackRequest): LokiEntry[] {
  const contentType = String(request.headers['content-type']);
  if (contentType === 'application/x-protobuf') return decodeProtobuf(uncompressed(request));
  if (contentType !== 'application/json') throw new Error(`unsupported content-type ${contentType}`);
  return decodeJson(JSON.parse(uncompressed(request).toString('utf8')));
}

/** A push body with its compression undone: protobuf pushes are snappy-compressed, JSON ones may be gzipped. */
function uncompressed({ body, headers }: LoopbackRequest): Buffer {
  if (headers['content-type'] === 'application/x-protobuf') return Buffer.from(snappy.uncompress(body));
  return headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
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

/** Why Loki refuses an entry, with its reason and message (the texts of Loki 3's validation), if it does. */
function validate(entry: LokiEntry, limits: LokiValidationLimits): { reason: string; message: string } | undefined {
  const stream = `{${Object.entries(entry.labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ')}}`;
  const lineSize = Buffer.byteLength(entry.line);
  if (lineSize > limits.maxLineSize)
    return {
      reason: 'line_too_long',
      message: `max entry size '${limits.maxLineSize}' bytes exceeded for stream '${stream}' while adding an entry with length '${lineSize}' bytes`,
    };
  const metadata = Object.entries(entry.metadata);
  const metadataSize = metadata.reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + Buffer.byteLength(value), 0);
  if (metadataSize > limits.maxStructuredMetadataSize)
    return {
      reason: 'structured_metadata_too_large',
      message: `stream '${stream}' has structured metadata too large: '${metadataSize}' bytes, limit: '${limits.maxStructuredMetadataSize}'`,
    };
  if (metadata.length > limits.maxStructuredMetadataEntries)
    return {
      reason: 'structured_metadata_too_many',
      message: `stream '${stream}' has too many structured metadata labels: '${metadata.length}', limit: '${limits.maxStructuredMetadataEntries}'`,
    };
  return undefined;
}
