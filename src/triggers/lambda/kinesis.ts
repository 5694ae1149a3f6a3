import { messageBatchSpanStart } from '../messaging.ts';
import { isFirstRecordFrom, pick, pickString, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/** `arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream` → `lambda-stream`. */
export function kinesisStreamName(arn: string | undefined): string | undefined {
  return arn?.split(':stream/')[1];
}

/**
 * Kinesis Data Streams batch: a `pubsub` CONSUMER span (`process <stream>`). Kinesis records carry no
 * headers, so there is nothing to link to; `forEachRecord` gives each record its own span.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html
 */
export const kinesis: MatchingTrigger = {
  name: 'kinesis',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:kinesis'),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = pick(event, 'Records') as unknown[];
    const stream = kinesisStreamName(pickString(records[0], 'eventSourceARN'));
    return messageBatchSpanStart(
      {
        system: 'aws_kinesis',
        destination: stream,
        records,
        carrierOf: () => ({ headers: {} }),
        extra: stream ? { 'aws.kinesis.stream_name': stream } : {},
      },
      propagator,
    );
  },
  onResult: (span, result) => {
    const failures = pick(result, 'batchItemFailures');
    if (Array.isArray(failures)) span.setAttribute('aws.lambda.batch_item_failures', failures.length);
  },
};
