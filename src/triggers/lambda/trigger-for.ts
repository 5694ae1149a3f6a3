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

/** Lambda adapters, most specific first; an event none of them matches gets `generic`. */
export const LAMBDA_TRIGGERS: readonly MatchingTrigger[] = [
  apiGatewayV2,
  functionUrl,
  alb,
  apiGatewayWebSocket,
  apiGatewayV1,
  sqs,
  sns,
  s3,
  kinesis,
  dynamodbStreams,
  kafka,
  activeMq,
  rabbitMq,
  schedule,
  eventBridge,
  cognito,
  cloudWatchLogs,
  firehose,
  s3Batch,
  s3ObjectLambda,
];

/** The adapter for a Lambda event: the first that matches, else the generic one. */
export function triggerFor(event: unknown, triggers: readonly MatchingTrigger[] = LAMBDA_TRIGGERS): TriggerAdapter {
  return triggers.find((trigger) => trigger.matches(event)) ?? generic;
}
