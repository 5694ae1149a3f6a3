import type { LambdaContext } from '../../src/lambda/lambda-types.ts';

let sequence = 0;

/**
 * A frozen Lambda context whose deadline is `timeoutMs` from its creation, so
 * `getRemainingTimeInMillis` counts down in real time like Lambda's.
 */
export function lambdaContext(overrides: Partial<LambdaContext> & { timeoutMs?: number } = {}): LambdaContext {
  const { timeoutMs = 30_000, ...rest } = overrides;
  const deadline = Date.now() + timeoutMs;
  sequence += 1;
  return Object.freeze({
    awsRequestId: `c6af9ac6-7b61-11e6-9a41-93e8deadbe${String(sequence).padStart(2, '0')}`,
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-api:live',
    functionName: 'orders-api',
    functionVersion: '7',
    memoryLimitInMB: '256',
    logStreamName: '2026/11/24/[7]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    ...rest,
  });
}

export const LAMBDA_ENV = Object.freeze({
  AWS_LAMBDA_FUNCTION_NAME: 'orders-api',
  AWS_LAMBDA_FUNCTION_VERSION: '7',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  AWS_LAMBDA_LOG_STREAM_NAME: '2026/11/24/[7]abcdef',
  AWS_REGION: 'eu-west-1',
});
