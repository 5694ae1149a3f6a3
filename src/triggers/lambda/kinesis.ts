import { messageBatchSpanStart } from '../messaging.ts';
import { recordBatchItemFailures } from './batch-item-failures.ts';
import { isFirstRecordFrom, pick, pickString, type EachRecord, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/** `arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream` → `lambda-stream`. */
function kinesisStreamName(arn: string | undefined): string | undefined {
  return arn?.split(':stream/')[1];
}

/**
 * One Kinesis record: no carrier (records have no headers); the shard as partition; after a failure the
 * batch stops there and Lambda resumes from the reported sequence number.
 * https://docs.aws.amazon.com/lambda/latest/dg/kinesis-batchfailurereporting.html
 */
const kinesisRecord: EachRecord = {
  system: 'aws_kinesis',
  records: (event) => pick(event, 'Records') as unknown[],
  destination: (record) => kinesisStreamName(pickString(record, 'eventSourceARN')),
  carrier: () => ({}),
  attributes: (record) => ({ 'messaging.destination.partition.id': pickString(record, 'eventID')?.split(':')[0] ?? '' }),
  itemIdentifier: (record) => pickString(record, 'kinesis', 'sequenceNumber'),
  onFailure: () => 'stop',
};

/**
 * Kinesis Data Streams batch: a `pubsub` CONSUMER span (`process <stream>`). Kinesis records carry no
 * headers, so there is nothing to link to; `forEachRecord` gives each record its own span.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export const kinesis: MatchingTrigger = {
  name: 'kinesis',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:kinesis'),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = kinesisRecord.records(event);
    const stream = kinesisRecord.destination(records[0]);
    return messageBatchSpanStart(
      {
        system: kinesisRecord.system,
        destination: stream,
        records,
        carrierOf: () => ({ headers: {} }),
        extra: stream ? { 'aws.kinesis.stream_name': stream } : {},
      },
      propagator,
    );
  },
  eachRecord: kinesisRecord,
  onResult: recordBatchItemFailures,
};
