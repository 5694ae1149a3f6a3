import type { Attributes } from '@opentelemetry/api';
import type { Env } from '../core/config/env-readers.ts';

/**
 * Resource attributes of a Lambda execution environment, read from the variables Lambda sets.
 * `service.name` defaults to the function name; configuration overrides it.
 * https://opentelemetry.io/docs/specs/semconv/resource/cloud-provider/aws/lambda/
 *
 * @example
 * lambdaResourceAttributes(process.env)['faas.max_memory']; // 134217728 for a 128 MB function
 */
export function lambdaResourceAttributes(env: Env): Attributes {
  const attributes: Attributes = { 'cloud.provider': 'aws', 'cloud.platform': 'aws_lambda' };
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined && value !== '') attributes[key] = value;
  };
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME;
  set('service.name', functionName);
  set('cloud.region', env.AWS_REGION ?? env.AWS_DEFAULT_REGION);
  set('faas.name', functionName);
  set('faas.version', env.AWS_LAMBDA_FUNCTION_VERSION);
  set('faas.instance', env.AWS_LAMBDA_LOG_STREAM_NAME);
  const memoryMb = Number(env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE);
  if (Number.isInteger(memoryMb) && memoryMb > 0) attributes['faas.max_memory'] = memoryMb * 1024 * 1024;
  return attributes;
}

/**
 * Span attributes that come from the invoked ARN: the ARN, the account, and the function ARN with any
 * alias replaced by the running version (semconv `cloud.resource_id`), because one environment serves
 * every alias that points at its version.
 */
export function lambdaArnAttributes(invokedArn: string, functionVersion: string | undefined): Readonly<Attributes> {
  if (!invokedArn.startsWith('arn:')) return {};
  const parts = invokedArn.split(':');
  const functionArn = parts.slice(0, 7).join(':');
  return Object.freeze({
    'aws.lambda.invoked_arn': invokedArn,
    ...(parts[4] ? { 'cloud.account.id': parts[4] } : {}),
    'cloud.resource_id': functionVersion && functionVersion !== '$LATEST' ? `${functionArn}:${functionVersion}` : functionArn,
  });
}
