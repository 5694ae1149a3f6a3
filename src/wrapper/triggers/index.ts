export { alb } from './alb.ts';
export { apiGatewayV1 } from './api-gateway-v1.ts';
export { apiGatewayV2, functionUrl } from './api-gateway-v2.ts';
export { eventBridge, schedule } from './eventbridge.ts';
export { generic } from './generic.ts';
export { s3 } from './s3.ts';
export { sns } from './sns.ts';
export { sqs } from './sqs.ts';
export type { SpanStart, TriggerAdapter, TriggerInput } from './trigger.ts';
