import { TraceFlags, type AttributeValue, type Attributes } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { ExportQueue } from '../exporters/export-queue.ts';

/** The exporter a processor shuts down after its last flush. */
export interface Shutdownable {
  shutdown(): Promise<void>;
}

/** What both processors share: a queue to flush and the exporter to shut down after the last flush. */
abstract class QueueProcessor<T> {
  protected readonly queue: ExportQueue<T>;
  readonly #exporter: Shutdownable;

  constructor(queue: ExportQueue<T>, exporter: Shutdownable) {
    this.queue = queue;
    this.#exporter = exporter;
  }
  forceFlush(): Promise<void> {
    return this.queue.flush();
  }
  async shutdown(): Promise<void> {
    await this.queue.flush();
    await this.#exporter.shutdown();
  }
}

/**
 * Span processor over an `ExportQueue`: sampled spans are queued when they end, exported in parallel
 * batches, and never dropped (past the memory cap they go to stdout). `forceFlush` waits for every span
 * ended before it, even when it overlaps another flush.
 *
 * @example
 * new TracerProvider({ spanProcessors: [new QueueSpanProcessor(queue, exporter)] });
 */
export class QueueSpanProcessor extends QueueProcessor<ReadableSpan> implements SpanProcessor {
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    this.queue.add(span);
  }
}

/**
 * Log record processor over an `ExportQueue`, with the same guarantees as `QueueSpanProcessor`.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), new QueueLogRecordProcessor(queue, exporter)] });
 */
export class QueueLogRecordProcessor extends QueueProcessor<ReadableLogRecord> implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord): void {
    // The SDK makes the record read-only after onEmit; it is exported as it is now.
    this.queue.add(record as unknown as ReadableLogRecord);
  }
}

// Heap bytes of an SDK record with no body and no attributes, measured on Node 24 (a log record with a
// 45-character body and two attributes takes about 450 bytes, a span with two attributes about 930).
const LOG_RECORD_BYTES = 300;
const SPAN_BYTES = 750;
const ATTRIBUTE_BYTES = 40;

/** Estimated heap bytes of a log record: what the memory cap counts. */
export function logRecordSize(record: ReadableLogRecord): number {
  return LOG_RECORD_BYTES + valueSize(record.body) + attributesSize(record.attributes);
}

/** Estimated heap bytes of a span: what the memory cap counts. */
export function spanSize(span: ReadableSpan): number {
  let bytes = SPAN_BYTES + span.name.length + attributesSize(span.attributes);
  for (const event of span.events) bytes += ATTRIBUTE_BYTES + event.name.length + attributesSize(event.attributes);
  return bytes + span.links.length * ATTRIBUTE_BYTES;
}

function attributesSize(attributes: Attributes | undefined): number {
  if (!attributes) return 0;
  let bytes = 0;
  for (const key in attributes) bytes += ATTRIBUTE_BYTES + key.length + valueSize(attributes[key]);
  return bytes;
}

function valueSize(value: unknown, depth = 0): number {
  if (typeof value === 'string') return value.length;
  if (value === null || typeof value !== 'object') return 8;
  if (value instanceof Uint8Array) return value.byteLength;
  if (depth > 2) return ATTRIBUTE_BYTES;
  let bytes = 0;
  if (Array.isArray(value)) for (const item of value as AttributeValue[]) bytes += 8 + valueSize(item, depth + 1);
  else for (const key in value) bytes += ATTRIBUTE_BYTES + key.length + valueSize((value as Record<string, unknown>)[key], depth + 1);
  return bytes;
}
