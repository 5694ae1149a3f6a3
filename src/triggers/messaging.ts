import { SpanKind, type Attributes, type Link, type TextMapPropagator } from '@opentelemetry/api';
import { linkFromCarrier, normalizeHeaders } from '../core/propagation.ts';
import type { SpanStart } from '../core/trigger.ts';

// A batch of 10,000 SQS messages must not become 10,000 links; the SDK's own default limit is 128.
const MAX_LINKS = 128;

export interface MessageBatch {
  readonly system: string;
  readonly destination: string | undefined;
  readonly records: readonly unknown[];
  /** The carrier of W3C headers and the X-Ray header one record brought. */
  readonly carrierOf: (record: unknown) => { headers: Record<string, unknown>; xray?: string };
  readonly extra?: Attributes;
}

/**
 * A CONSUMER span for a message batch (messaging semantic conventions, `process` operation) with one
 * link per record that carried trace context: a batch has many parents, so none becomes the parent.
 */
export function messageBatchSpanStart(batch: MessageBatch, propagator: TextMapPropagator): SpanStart {
  const links: Link[] = [];
  for (const record of batch.records) {
    if (links.length >= MAX_LINKS) break;
    const { headers, xray } = batch.carrierOf(record);
    const link = linkFromCarrier(propagator, normalizeHeaders(headers), xray);
    if (link) links.push(link);
  }
  const attributes: Attributes = {
    'faas.trigger': 'pubsub',
    'messaging.system': batch.system,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.batch.message_count': batch.records.length,
    ...batch.extra,
  };
  if (batch.destination) attributes['messaging.destination.name'] = batch.destination;
  return {
    name: batch.destination ? `process ${batch.destination}` : 'process',
    kind: SpanKind.CONSUMER,
    attributes,
    links,
  };
}

/** Flattens SQS/SNS message attributes (`{ traceparent: { stringValue | Value } }`) into strings. */
export function messageAttributeStrings(attributes: unknown): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  if (typeof attributes !== 'object' || attributes === null) return flat;
  for (const [name, value] of Object.entries(attributes as Record<string, unknown>)) {
    if (typeof value !== 'object' || value === null) continue;
    const text = (value as { stringValue?: unknown; Value?: unknown }).stringValue ?? (value as { Value?: unknown }).Value;
    if (typeof text === 'string') flat[name] = text;
  }
  return flat;
}

const UTF8 = new TextDecoder();

/**
 * A header value that a Lambda event source delivers as bytes (Kafka record headers: `[48, 48, …]`; RabbitMQ
 * headers: `{ bytes: [...] }`, unwrapped by the caller) as text; undefined for anything but an array of numbers.
 *
 * @example
 * headerBytesToString([48, 48]); // '00'
 */
export function headerBytesToString(bytes: unknown): string | undefined {
  if (!Array.isArray(bytes) || !bytes.every((b) => typeof b === 'number')) return undefined;
  return UTF8.decode(Uint8Array.from(bytes));
}
