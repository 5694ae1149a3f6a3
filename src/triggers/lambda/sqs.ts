import { messageAttributeStrings, messageBatchSpanStart } from '../messaging.ts';
import { recordBatchItemFailures } from './batch-item-failures.ts';
import {
  isFirstRecordFrom,
  lastArnPart,
  pick,
  pickString,
  type EachRecord,
  type MatchingTrigger,
  type TriggerInput,
} from '../../core/trigger.ts';

/**
 * One SQS message: its span's destination is the queue, its carrier the `traceparent` message attribute;
 * a FIFO queue reports every message after a failed one too, unprocessed, so the order holds.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
const sqsRecord: EachRecord = {
  system: 'aws_sqs',
  records: (event) => pick(event, 'Records') as unknown[],
  destination: (record) => lastArnPart(pickString(record, 'eventSourceARN')),
  carrier: (record) => messageAttributeStrings(pick(record, 'messageAttributes')),
  attributes: (record) => ({ 'messaging.message.id': pickString(record, 'messageId') ?? '' }),
  itemIdentifier: (record) => pickString(record, 'messageId'),
  onFailure: (records) => (pickString(records[0], 'eventSourceARN')?.endsWith('.fifo') ? 'rest' : 'continue'),
};

/**
 * SQS batch: CONSUMER span, one link per message from its `traceparent` message attribute or its
 * `AWSTraceHeader` system attribute; partial batch failures counted from the result.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export const sqs: MatchingTrigger = {
  name: 'sqs',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:sqs'),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = sqsRecord.records(event);
    return messageBatchSpanStart(
      {
        system: sqsRecord.system,
        destination: sqsRecord.destination(records[0]),
        records,
        carrierOf: (record) => ({ headers: sqsRecord.carrier(record), xray: pickString(record, 'attributes', 'AWSTraceHeader') }),
        extra: records.length === 1 ? sqsRecord.attributes(records[0]) : {},
      },
      propagator,
    );
  },
  eachRecord: sqsRecord,
  onResult: recordBatchItemFailures,
};
