import { alb } from './alb.ts';
import { activeMq, rabbitMq } from './amazon-mq.ts';
import { apiGatewayWebSocket } from './api-gateway-websocket.ts';
import { cloudWatchLogs } from './cloudwatch-logs.ts';
import { cognito } from './cognito.ts';
import { dynamodbStreams } from './dynamodb-streams.ts';
import { firehose } from './firehose.ts';
import { kafka } from './kafka.ts';
import { kinesis } from './kinesis.ts';
import { s3Batch } from './s3-batch.ts';
import { s3ObjectLambda } from './s3-object-lambda.ts';
import { apiGatewayV1 } from './api-gateway-v1.ts';
import { apiGatewayV2, functionUrl } from './api-gateway-v2.ts';
import { eventBridge, schedule } from './eventbridge.ts';
import { generic } from '../../core/generic-trigger.ts';
import { s3 } from './s3.ts';
import { sns } from './sns.ts';
import { sqs } from './sqs.ts';
import type { MatchingTrigger, TriggerAdapter } from '../../core/trigger.ts';

/**
 * Lambda adapters, most specific first, grouped by the top-level key each one's `matches` needs (not
 * undefined): an event without the key skips the group, so an event no adapter takes is not read by all 20
 * (part of the warm overhead per invocation, bench/RESULTS.md). A test checks each key on every sample event.
 */
export const LAMBDA_TRIGGERS_BY_KEY: readonly (readonly [key: string, triggers: readonly MatchingTrigger[]])[] = [
  ['requestContext', [apiGatewayV2, functionUrl, alb, apiGatewayWebSocket, apiGatewayV1]],
  ['Records', [sqs, sns, s3, kinesis, dynamodbStreams]],
  ['eventSource', [kafka, activeMq, rabbitMq]],
  ['detail-type', [schedule, eventBridge]],
  ['triggerSource', [cognito]],
  ['awslogs', [cloudWatchLogs]],
  ['deliveryStreamArn', [firehose]],
  ['invocationSchemaVersion', [s3Batch]],
  ['userRequest', [s3ObjectLambda]],
];

/** Every Lambda adapter, in the order they are tried. */
export const LAMBDA_TRIGGERS: readonly MatchingTrigger[] = LAMBDA_TRIGGERS_BY_KEY.flatMap(([, triggers]) => triggers);

/** The adapter for a Lambda event: the first that matches (in a group whose key the event has), else the generic one. */
export function triggerFor(event: unknown, byKey = LAMBDA_TRIGGERS_BY_KEY): TriggerAdapter {
  if (typeof event !== 'object' || event === null) return generic;
  try {
    for (const [key, triggers] of byKey) {
      if ((event as Record<string, unknown>)[key] === undefined) continue;
      for (const trigger of triggers) if (trigger.matches(event)) return trigger;
    }
  } catch {
    // A Proxy event whose traps throw, or a throwing getter: the handler still runs, in a generic span.
  }
  return generic;
}
