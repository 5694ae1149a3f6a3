import { SpanKind } from '@opentelemetry/api';
import { pick, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * CloudWatch Logs subscription: `other`, span `CloudWatch Logs subscription`. The log group and the events
 * are inside the gzipped, base64 `awslogs.data`, which the handler decodes; the adapter does not pay for
 * that a second time.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-cloudwatchlogs.html
 */
export const cloudWatchLogs: MatchingTrigger = {
  name: 'cloudwatch-logs',
  matches: (event) => typeof pick(event, 'awslogs', 'data') === 'string',
  spanStart: () => ({
    name: 'CloudWatch Logs subscription',
    kind: SpanKind.CONSUMER,
    attributes: { 'faas.trigger': 'other', 'aws.lambda.event_source': 'aws:logs' },
  }),
};
