import { SpanKind, SpanStatusCode, isSpanContextValid, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import { ambient, type Ambient } from '../core/ambient.ts';
import { isError, safeRead } from '../core/safe-read.ts';
import { normalizeHeaders } from '../core/propagation.ts';
import { INSTRUMENTATION_SCOPE } from '../core/telemetry.ts';
import { lastArnPart, pick, pickString } from '../core/trigger.ts';
import { messageAttributeStrings } from '../triggers/messaging.ts';
import { DOCUMENT_OPERATIONS, dynamoTableName } from '../triggers/lambda/dynamodb-streams.ts';
import { kafkaHeaders, kafkaRecords } from '../triggers/lambda/kafka.ts';
import { kinesisStreamName } from '../triggers/lambda/kinesis.ts';

/** One failed record, as Lambda's partial batch response names it. */
export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** What the handler returns so that Lambda retries only the failed records (`ReportBatchItemFailures`). */
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

interface RecordSource {
  readonly system: string;
  readonly records: readonly unknown[];
  readonly destination: (record: unknown) => string | undefined;
  readonly carrier: (record: unknown) => Record<string, unknown>;
  readonly attributes: (record: unknown) => Attributes;
  /** The partial batch response identifier; none where Lambda has no such report (Kafka: the batch fails). */
  readonly itemIdentifier?: (record: unknown) => string | undefined;
  /** After a failure: `rest` reports every later record too (SQS FIFO), `stop` only the failed one (streams). */
  readonly onFailure: 'continue' | 'rest' | 'stop';
}

function sourceOf(event: unknown): RecordSource | undefined {
  const records = pick(event, 'Records');
  const first = Array.isArray(records) ? records[0] : undefined;
  switch (pick(first, 'eventSource') ?? pick(event, 'eventSource')) {
    case 'aws:sqs':
      return {
        system: 'aws_sqs',
        records: records as unknown[],
        destination: (r) => lastArnPart(pickString(r, 'eventSourceARN')),
        carrier: (r) => messageAttributeStrings(pick(r, 'messageAttributes')),
        attributes: (r) => ({ 'messaging.message.id': pickString(r, 'messageId') ?? '' }),
        itemIdentifier: (r) => pickString(r, 'messageId'),
        onFailure: pickString(first, 'eventSourceARN')?.endsWith('.fifo') ? 'rest' : 'continue',
      };
    case 'aws:kinesis':
      return {
        system: 'aws_kinesis',
        records: records as unknown[],
        destination: (r) => kinesisStreamName(pickString(r, 'eventSourceARN')),
        carrier: () => ({}),
        attributes: (r) => ({ 'messaging.destination.partition.id': pickString(r, 'eventID')?.split(':')[0] ?? '' }),
        itemIdentifier: (r) => pickString(r, 'kinesis', 'sequenceNumber'),
        onFailure: 'stop',
      };
    case 'aws:dynamodb':
      return {
        system: 'aws_dynamodb_streams',
        records: records as unknown[],
        destination: (r) => dynamoTableName(pickString(r, 'eventSourceARN')),
        carrier: () => ({}),
        attributes: (r) => ({ 'faas.document.operation': DOCUMENT_OPERATIONS[pickString(r, 'eventName') ?? ''] ?? 'edit' }),
        itemIdentifier: (r) => pickString(r, 'dynamodb', 'SequenceNumber'),
        onFailure: 'stop',
      };
    case 'aws:kafka':
    case 'SelfManagedKafka':
      return {
        system: 'kafka',
        records: kafkaRecords(event),
        destination: (r) => pickString(r, 'topic'),
        carrier: kafkaHeaders,
        attributes: (r) => ({
          'messaging.destination.partition.id': String(pick(r, 'partition')),
          'messaging.kafka.offset': Number(pick(r, 'offset')),
        }),
        onFailure: 'continue',
      };
    default:
      return undefined;
  }
}

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
function startRecordSpan(setup: Ambient, source: RecordSource, record: unknown): { span: Span; parent: Context } {
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
  source: RecordSource,
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
    // Recorded without trusting what was thrown (a null-prototype object, a Proxy, a throwing toString or
    // getter): the record still counts as failed and the batch goes on.
    try {
      recordRecordError(span, error);
    } catch {
      // the span keeps what was recorded; the failure itself is returned below
    }
    // Boxed: an async function resolving with a Proxy (or a revoked one) reads its `then`, which may throw.
    return { error: error ?? new Error('a record failed with a falsy error') };
  } finally {
    span.end();
  }
}

function recordRecordError(span: Span, error: unknown): void {
  const known = isError(error);
  const name = known ? safeRead(() => String(error.name), 'Error') : 'Error';
  const message = safeRead(() => String(known ? error.message : error), 'unprintable error');
  const stack: unknown = known ? safeRead(() => error.stack, undefined) : undefined;
  span.recordException(typeof stack === 'string' ? { name, message, stack } : { name, message });
  span.setAttribute('error.type', name || 'Error');
  span.setStatus({ code: SpanStatusCode.ERROR, message });
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
  const source = sourceOf(event);
  if (!source) throw new TypeError('forEachRecord takes an SQS, Kinesis, DynamoDB Streams or Kafka event');
  const batchItemFailures: BatchItemFailure[] = [];
  const errors: unknown[] = [];
  for (let i = 0; i < source.records.length; i++) {
    const failure = await processOne(source, source.records[i], i, fn);
    if (failure === undefined) continue;
    errors.push(failure.error);
    const failed = source.onFailure === 'rest' ? source.records.slice(i) : [source.records[i]];
    for (const record of failed) {
      batchItemFailures.push({ itemIdentifier: safeRead(() => source.itemIdentifier?.(record), undefined) ?? '' });
    }
    if (source.onFailure !== 'continue') break;
  }
  if (source.itemIdentifier === undefined && errors.length > 0) {
    throw new AggregateError(errors, `${errors.length} of ${source.records.length} records failed`);
  }
  return { batchItemFailures };
}
