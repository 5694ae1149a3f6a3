import type { Attributes, Link, Span, SpanKind, TextMapPropagator } from '@opentelemetry/api';
import type { Carrier } from './propagation.ts';

/** What an adapter knows about the span to start for an event. */
export interface SpanStart {
  readonly name: string;
  readonly kind: SpanKind;
  readonly attributes: Attributes;
  /** Where the remote parent comes from (HTTP headers, a message's attributes); none for batches. */
  readonly parentCarrier?: Carrier;
  readonly links?: readonly Link[];
}

export interface TriggerInput {
  readonly functionName: string;
  readonly propagator: TextMapPropagator;
}

/**
 * One per trigger: a plain object of pure functions of the event. `E` is the event it reads: a Lambda
 * adapter reads `unknown` (it checks every field), an edge adapter the runtime's object (a `Request`, a batch).
 */
export interface TriggerAdapter<E = unknown> {
  readonly name: string;
  // Properties, not methods: the compiler then checks the event type where an adapter is passed on.
  readonly spanStart: (event: E, input: TriggerInput) => SpanStart;
  /** Adds what the handler's result tells (HTTP status, batch failures) to the span. */
  readonly onResult?: (span: Span, result: unknown) => void;
  /** For a batch whose records can each get a span (`forEachRecord`): what the adapter knows about one record. */
  readonly eachRecord?: EachRecord<E>;
}

/** What `forEachRecord` does after a record failed: see {@link EachRecord.onFailure}. */
export type RecordFailureMode = 'continue' | 'rest' | 'stop';

/**
 * What an adapter knows about each record of its batch: the same knowledge serves the batch span
 * (`spanStart`) and the per-record spans of `forEachRecord`, so a source is described once.
 */
export interface EachRecord<E = unknown> {
  /** `messaging.system` of the record spans. */
  readonly system: string;
  readonly records: (event: E) => readonly unknown[];
  readonly destination: (record: unknown) => string | undefined;
  /** The W3C carrier a record brings (SQS message attributes, Kafka headers); empty where the source has none. */
  readonly carrier: (record: unknown) => Record<string, unknown>;
  readonly attributes: (record: unknown) => Attributes;
  /** The partial batch response identifier; none where Lambda has no such report (Kafka: the batch fails). */
  readonly itemIdentifier?: (record: unknown) => string | undefined;
  /** After a failure: `rest` reports every later record too (SQS FIFO), `stop` only the failed one (streams). */
  readonly onFailure: (records: readonly unknown[]) => RecordFailureMode;
}

/**
 * An adapter chosen by looking at the event (Lambda's: one handler receives every source). `matches` must be
 * cheap and exact enough that the first adapter that matches is the right one.
 */
export interface MatchingTrigger extends TriggerAdapter<unknown> {
  matches(event: unknown): boolean;
}

/**
 * Reads `event[a][b]…` (up to four keys) without trusting the event's shape. Fixed parameters, not a rest
 * array: the Lambda adapters call it many times per invocation, and a rest array is allocated per call.
 */
export function pick(value: unknown, a: string, b?: string, c?: string, d?: string): unknown {
  return field(field(field(field(value, a), b), c), d);
}

/** `value[key]` when value is an object; value itself when there is no key. */
function field(value: unknown, key: string | undefined): unknown {
  if (key === undefined) return value;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

export function pickString(value: unknown, a: string, b?: string, c?: string, d?: string): string | undefined {
  const found = pick(value, a, b, c, d);
  return typeof found === 'string' ? found : undefined;
}

/** The first record of an S3/SQS/SNS-style `Records` batch when its source is `source`. */
export function isFirstRecordFrom(event: unknown, key: 'eventSource' | 'EventSource', source: string): boolean {
  const records = pick(event, 'Records');
  return Array.isArray(records) && records.length > 0 && pick(records[0], key) === source;
}

/** `arn:aws:sqs:us-east-1:123456789012:orders` → `orders`. */
export function lastArnPart(arn: string | undefined): string | undefined {
  if (!arn) return undefined;
  const parts = arn.split(':');
  return parts[parts.length - 1] || undefined;
}
