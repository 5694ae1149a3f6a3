import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { hrTimeToNanos } from '../hr-time.ts';

/** One Loki stream: a low-cardinality label set and its entries, oldest first. */
export interface LokiStream {
  readonly labels: Readonly<Record<string, string>>;
  readonly entries: LokiEntry[];
}

export interface LokiEntry {
  /** Nanoseconds since the epoch, as a decimal string (Loki's push API). */
  readonly timestampNs: string;
  readonly line: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Loki's per-tenant defaults (`max_line_size`, `max_structured_metadata_size`, `…_entries_count`). */
export interface LokiLimits {
  readonly maxLineBytes: number;
  readonly maxMetadataBytes: number;
  readonly maxMetadataEntries: number;
}

export const DEFAULT_LOKI_LIMITS: LokiLimits = { maxLineBytes: 256 * 1024, maxMetadataBytes: 64 * 1024, maxMetadataEntries: 128 };

// Only these become labels: each distinct value is a stream, and Loki degrades with many streams.
const LABELS: readonly [string, string][] = [
  ['service.name', 'service_name'],
  ['service.namespace', 'service_namespace'],
  ['deployment.environment.name', 'deployment_environment_name'],
  ['cloud.region', 'cloud_region'],
  ['faas.name', 'faas_name'],
];
const TRUNCATED = '…[truncated]';
const encoder = new TextEncoder();

/**
 * Groups log records into Loki streams: low-cardinality labels from the resource plus `level`; everything
 * else (trace_id, span_id, severity_number, invocation id, attributes) as structured metadata. Entries are
 * ordered by time within each stream. Lines and metadata over Loki's limits are cut and marked instead of
 * letting Loki reject the whole batch with a 400.
 *
 * @example
 * const streams = toLokiStreams(records, DEFAULT_LOKI_LIMITS);
 */
export function toLokiStreams(records: readonly ReadableLogRecord[], limits: LokiLimits = DEFAULT_LOKI_LIMITS): LokiStream[] {
  const streams = new Map<string, LokiStream>();
  for (const record of records) {
    const labels = labelsOf(record);
    const key = JSON.stringify(labels);
    let stream = streams.get(key);
    if (!stream) streams.set(key, (stream = { labels, entries: [] }));
    stream.entries.push({
      timestampNs: hrTimeToNanos(record.hrTime),
      line: truncateUtf8(bodyText(record.body), limits.maxLineBytes),
      metadata: metadataOf(record, limits),
    });
  }
  for (const stream of streams.values()) stream.entries.sort((a, b) => compareNanos(a.timestampNs, b.timestampNs));
  return [...streams.values()];
}

function labelsOf(record: ReadableLogRecord): Record<string, string> {
  const labels: Record<string, string> = {};
  const resource = record.resource.attributes;
  for (const [attribute, label] of LABELS) {
    const value = resource[attribute];
    if (value !== undefined && value !== null && value !== '') labels[label] = String(value);
  }
  labels.level = (record.severityText ?? 'info').toLowerCase();
  return labels;
}

function metadataOf(record: ReadableLogRecord, limits: LokiLimits): Record<string, string> {
  const metadata: Record<string, string> = {};
  let bytes = 0;
  let count = 0;
  const add = (name: string, value: string): boolean => {
    const size = encoder.encode(name).length + encoder.encode(value).length;
    if (count >= limits.maxMetadataEntries || bytes + size > limits.maxMetadataBytes) return false;
    metadata[name] = value;
    bytes += size;
    count++;
    return true;
  };
  const context = record.spanContext;
  if (context) {
    add('trace_id', context.traceId);
    add('span_id', context.spanId);
  }
  if (record.severityNumber !== undefined) add('severity_number', String(record.severityNumber));
  const dropped = addAttributes(record.attributes, add);
  if (dropped > 0) {
    // Room is kept for the marker by removing entries until it fits.
    while (!add('truncated_attributes', String(dropped)) && count > 0) {
      const last = Object.keys(metadata).pop()!;
      bytes -= encoder.encode(last).length + encoder.encode(metadata[last]!).length;
      delete metadata[last];
      count--;
    }
  }
  return metadata;
}

function addAttributes(attributes: Attributes, add: (name: string, value: string) => boolean): number {
  let dropped = 0;
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    if (!add(metadataName(key), typeof value === 'string' ? value : JSON.stringify(value))) dropped++;
  }
  return dropped;
}

/** Loki metadata names follow label rules: `faas.invocation_id` → `faas_invocation_id`. */
export function metadataName(key: string): string {
  const name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

function bodyText(body: AnyValue | undefined): string {
  if (typeof body === 'string') return body;
  if (body === undefined || body === null) return '';
  try {
    return JSON.stringify(body, (_key, value) =>
      typeof value === 'bigint' ? value.toString() : value instanceof Uint8Array ? Array.from(value) : value,
    );
  } catch {
    return String(body);
  }
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes, ending with a marker, never splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || encoder.encode(text).length <= maxBytes) return text;
  const room = maxBytes - encoder.encode(TRUNCATED).length;
  let low = 0;
  let high = Math.min(text.length, room);
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (encoder.encode(text.slice(0, middle)).length <= room) low = middle;
    else high = middle - 1;
  }
  // Do not end on the first half of a surrogate pair.
  const end = low > 0 && /[\uD800-\uDBFF]/.test(text[low - 1]!) ? low - 1 : low;
  return text.slice(0, end) + TRUNCATED;
}

function compareNanos(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
