/**
 * The parts of the Lambda context this library reads, written by hand so users' builds do not need
 * `@types/aws-lambda`. Any real Lambda context satisfies it.
 */
export interface LambdaContext {
  readonly awsRequestId: string;
  readonly invokedFunctionArn: string;
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly memoryLimitInMB?: string;
  readonly logStreamName?: string;
  getRemainingTimeInMillis(): number;
  callbackWaitsForEmptyEventLoop?: boolean;
}

export type LambdaCallback<R = unknown> = (error?: Error | string | null, result?: R) => void;

export const STREAMING_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming');
export const STREAMING_HIGH_WATER_MARK_SYMBOL = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');

export function isLambdaContext(value: unknown): value is LambdaContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LambdaContext).getRemainingTimeInMillis === 'function' &&
    typeof (value as LambdaContext).awsRequestId === 'string'
  );
}
