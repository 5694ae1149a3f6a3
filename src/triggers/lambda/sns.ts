import { messageAttributeStrings, messageBatchSpanStart } from '../messaging.ts';
import { isFirstRecordFrom, lastArnPart, pick, pickString, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/**
 * SNS notification: CONSUMER span linked to the publisher through the `traceparent` message attribute.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
 */
export const sns: MatchingTrigger = {
  name: 'sns',
  matches: (event) => isFirstRecordFrom(event, 'EventSource', 'aws:sns'),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = pick(event, 'Records') as unknown[];
    return messageBatchSpanStart(
      {
        system: 'aws_sns',
        destination: lastArnPart(pickString(records[0], 'Sns', 'TopicArn')),
        records,
        carrierOf: (record) => ({ headers: messageAttributeStrings(pick(record, 'Sns', 'MessageAttributes')) }),
        extra: { 'messaging.message.id': pickString(records[0], 'Sns', 'MessageId') ?? '' },
      },
      propagator,
    );
  },
};
