import { messageAttributeStrings, messageBatchSpanStart } from '../messaging.ts';
import { isFirstRecordFrom, lastArnPart, pick, pickString, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/**
 * SQS batch: CONSUMER span, one link per message from its `traceparent` message attribute or its
 * `AWSTraceHeader` system attribute; partial batch failures counted from the result.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
 */
export const sqs: MatchingTrigger = {
  name: 'sqs',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:sqs'),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = pick(event, 'Records') as unknown[];
    return messageBatchSpanStart(
      {
        system: 'aws_sqs',
        destination: lastArnPart(pickString(records[0], 'eventSourceARN')),
        records,
        carrierOf: (record) => ({
          headers: messageAttributeStrings(pick(record, 'messageAttributes')),
          xray: pickString(record, 'attributes', 'AWSTraceHeader'),
        }),
        extra: records.length === 1 ? { 'messaging.message.id': pickString(records[0], 'messageId') ?? '' } : {},
      },
      propagator,
    );
  },
  onResult: (span, result) => {
    const failures = pick(result, 'batchItemFailures');
    if (Array.isArray(failures)) span.setAttribute('aws.lambda.batch_item_failures', failures.length);
  },
};
