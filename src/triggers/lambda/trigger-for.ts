import { alb } from './alb.ts';
import { apiGatewayV1 } from './api-gateway-v1.ts';
import { apiGatewayV2, functionUrl } from './api-gateway-v2.ts';
import { eventBridge, schedule } from './eventbridge.ts';
import { generic } from '../../core/generic-trigger.ts';
import { s3 } from './s3.ts';
import { sns } from './sns.ts';
import { sqs } from './sqs.ts';
import type { TriggerAdapter } from '../../core/trigger.ts';

/** Lambda adapters, most specific first; `generic` matches everything and stays last. */
export const LAMBDA_TRIGGERS: readonly TriggerAdapter[] = [
  apiGatewayV2,
  functionUrl,
  alb,
  apiGatewayV1,
  sqs,
  sns,
  s3,
  schedule,
  eventBridge,
  generic,
];

export function triggerFor(event: unknown, triggers: readonly TriggerAdapter[] = LAMBDA_TRIGGERS): TriggerAdapter {
  return triggers.find((trigger) => trigger.matches(event)) ?? generic;
}
