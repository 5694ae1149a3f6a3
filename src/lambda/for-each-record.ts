import { SpanKind, isSpanContextValid, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import { ambient, type Ambient } from '../core/ambient.ts';
import { safeRead } from '../core/safe-read.ts';
import { normalizeHeaders } from '../core/propagation.ts';
import { recordSpanError } from '../core/span-error.ts';
import { INSTRUMENTATION_SCOPE } from '../core/telemetry.ts';
import type { EachRecord } from '../core/trigger.ts';
import type { BatchItemFailure, BatchResponse } from '../triggers/lambda/batch-item-failures.ts';
import { triggerFor } from '../triggers/lambda/trigger-for.ts';

export type { BatchItemFailure, BatchResponse } from '../triggers/lambda/batch-item-failures.ts';

/**
 * The context a record's span starts in: the producer's, when the record carries W3C context (SQS message
 * attributes, Kafka headers), linked to the invocation span; otherwise a child of the invocation span.
 */
function recordContext({ active, propagator }: Ambient, carrier: Record<string, unknown>): { parent: Context; links: Link[] } {
  // The invocation's context without its span: the setup and the invocation id it carries stay with the record.
  const producer = propagator.extract(trace.deleteSpan(active), normalizeHeaders(carrier), {
    keys: (c) => Object.keys(c),
    get: (c, key) => c[key.toLowerCase()],
  });
  const remote = trace.getSpanContext(producer);
  if (!remote || !isSpanContextValid(remote)) return { parent: active, links: [] };
  const invocation = trace.getSpanContext(active);
  return { parent: producer, links: invocation && isSpanContextValid(invocation) ? [{ context: invocation }] : [] };
}

/** The record's `process` span; a record that cannot be read (a Proxy, throwing getters) gets a bare one. */
function startRecordSpan(setup: Ambient, source: EachRecord, record: unknown): { span: Span; parent: Context } {
  const { tracer } = setup;
  const attributes: Attributes = {
    'messaging.system': source.system,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
  };
  try {
    const destination = source.destination(record);
    const { parent, links } = recordContext(setup, source.carrier(record));
    if (destination) attributes['messaging.destination.name'] = destination;
    Object.assign(attributes, source.attributes(record));
    const name = destination ? `process ${destination}` : 'process';
    return { span: tracer.startSpan(name, { kind: SpanKind.CONSUMER, links, attributes }, parent), parent };
  } catch {
    const parent = setup.active;
    return { span: tracer.startSpan('process', { kind: SpanKind.CONSUMER, attributes }, parent), parent };
  }
}

async function processOne(
  source: EachRecord,
  record: unknown,
  index: number,
  fn: (record: never, index: number) => unknown,
): Promise<{ readonly error: unknown } | undefined> {
  // The setup whose invocation runs, read without the API globals (registerGlobals: false).
  const setup = ambient(INSTRUMENTATION_SCOPE);
  const { span, parent } = startRecordSpan(setup, source, record);
  try {
    await setup.run.with(trace.setSpan(parent, span), () => fn(record as never, index));
    return undefined;
  } catch (error) {
    recordSpanError(span, error);
    // Wrapped: an async function that returns a thrown value reads its `then`, which a hostile Proxy turns
    // into a second throw.
    return { error: error ?? new Error('a record failed with a falsy error') };
  } finally {
    span.end();
  }
}

/**
 * Runs `fn` for each record of an SQS, Kinesis, DynamoDB Streams or Kafka event, one after the other, each in
 * a `process` CONSUMER span (messaging semantic conventions) whose parent is the producer's context when the
 * record carries one (`traceparent` in SQS message attributes or Kafka headers), so the logs written for a
 * message land in the producer's trace. Failed records are returned the Lambda way (`batchItemFailures`,
 * with `ReportBatchItemFailures` on the event source mapping): SQS reports each failed message (FIFO: the
 * failed one and every later one, unprocessed, to keep the order); Kinesis and DynamoDB stop at the first
 * failure and report it (Lambda resumes from it). Kafka records all run; if any failed, the returned promise
 * rejects with an AggregateError, so Lambda retries the batch.
 *
 * @example
 * import { forEachRecord, withObservability } from 'faas-observability/lambda';
 * export const handler = withObservability((event) =>
 *   forEachRecord(event, async (record: { body: string }) => {
 *     console.log('processing', record.body); // in the producer's trace
 *   }),
 * );
 */
export async function forEachRecord<R = unknown>(event: unknown, fn: (record: R, index: number) => unknown): Promise<BatchResponse> {
  // The adapter that names the invocation span knows the source's records too: one description per source.
  const source = triggerFor(event).eachRecord;
  if (!source) throw new TypeError('forEachRecord takes an SQS, Kinesis, DynamoDB Streams or Kafka event');
  const records = source.records(event);
  const onFailure = source.onFailure(records);
  const batchItemFailures: BatchItemFailure[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < records.length; i++) {
    const failure = await processOne(source, records[i], i, fn);
    if (failure === undefined) continue;
    errors.push(failure.error);
    const failed = onFailure === 'rest' ? records.slice(i) : [records[i]];
    for (const record of failed) {
      batchItemFailures.push({ itemIdentifier: safeRead(() => source.itemIdentifier?.(record), undefined) ?? '' });
    }
    if (onFailure !== 'continue') break;
  }
  if (source.itemIdentifier === undefined && errors.length > 0) {
    throw new AggregateError(errors, `${errors.length} of ${records.length} records failed`);
  }
  return { batchItemFailures };
}
