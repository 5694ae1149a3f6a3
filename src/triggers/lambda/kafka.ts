import { headerBytesToString, messageBatchSpanStart } from '../messaging.ts';
import { pick, pickString, type EachRecord, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/** Every record of a Kafka event, in order: `records` is keyed by `topic-partition`. */
function kafkaRecords(event: unknown): unknown[] {
  const byPartition = pick(event, 'records');
  if (typeof byPartition !== 'object' || byPartition === null) return [];
  return Object.values(byPartition as Record<string, unknown>).flatMap((list) => (Array.isArray(list) ? list : []));
}

/** A Kafka record's headers (`[{ traceparent: [48, 48, …] }]`, values as byte arrays) as strings. */
function kafkaHeaders(record: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const list = pick(record, 'headers');
  if (!Array.isArray(list)) return headers;
  for (const entry of list) {
    if (typeof entry !== 'object' || entry === null) continue;
    for (const [name, bytes] of Object.entries(entry as Record<string, unknown>)) {
      const text = headerBytesToString(bytes);
      if (text !== undefined) headers[name] = text;
    }
  }
  return headers;
}

/**
 * One Kafka record: the topic as destination, partition and offset, the headers as carrier. Lambda has no
 * partial batch response for Kafka: every record runs, and the batch fails if one did.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html
 */
const kafkaRecord: EachRecord = {
  system: 'kafka',
  records: kafkaRecords,
  destination: (record) => pickString(record, 'topic'),
  carrier: kafkaHeaders,
  attributes: (record) => ({
    'messaging.destination.partition.id': String(pick(record, 'partition')),
    'messaging.kafka.offset': Number(pick(record, 'offset')),
  }),
  onFailure: () => 'continue',
};

/**
 * Kafka batch, Amazon MSK (`aws:kafka`) or self-managed (`SelfManagedKafka`): a `pubsub` CONSUMER span
 * (`process <topic>`) with one link per record whose headers carry `traceparent`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-msk.html, https://docs.aws.amazon.com/lambda/latest/dg/with-kafka.html
 */
export const kafka: MatchingTrigger = {
  name: 'kafka',
  matches: (event) => pick(event, 'eventSource') === 'aws:kafka' || pick(event, 'eventSource') === 'SelfManagedKafka',
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = kafkaRecord.records(event);
    const topics = new Set(records.map(kafkaRecord.destination));
    const topic = topics.size === 1 ? [...topics][0] : undefined;
    return messageBatchSpanStart(
      {
        system: kafkaRecord.system,
        destination: topic,
        records,
        carrierOf: (record) => ({ headers: kafkaRecord.carrier(record) }),
        extra: {
          ...(records.length === 1 ? { 'messaging.kafka.offset': Number(pick(records[0], 'offset')) } : {}),
          ...(pickString(event, 'bootstrapServers')
            ? { 'server.address': pickString(event, 'bootstrapServers')!.split(',')[0]!.split(':')[0] }
            : {}),
        },
      },
      propagator,
    );
  },
  eachRecord: kafkaRecord,
};
