import { alb } from './alb.ts';
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
  apiGatewayV1,
  sqs,
  sns,
  s3,
  schedule,
  eventBridge,
];

/** The adapter for a Lambda event: the first that matches, else the generic one. */
export function triggerFor(event: unknown, triggers: readonly MatchingTrigger[] = LAMBDA_TRIGGERS): TriggerAdapter {
  return triggers.find((trigger) => trigger.matches(event)) ?? generic;
}
