import type { Span } from '@opentelemetry/api';
import { pick } from '../../core/trigger.ts';

/** One failed record, as Lambda's partial batch response names it. */
export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** What the handler returns so that Lambda retries only the failed records (`ReportBatchItemFailures`). */
export interface BatchResponse {
  readonly batchItemFailures: BatchItemFailure[];
}

/**
 * The `onResult` of the sources with partial batch responses (SQS, Kinesis, DynamoDB Streams): how many
 * records the handler reported failed, as `aws.lambda.batch_item_failures`.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 *
 * @example
 * recordBatchItemFailures(span, { batchItemFailures: [{ itemIdentifier: 'm1' }] }); // sets 1
 */
export function recordBatchItemFailures(span: Span, result: unknown): void {
  const failures = pick(result, 'batchItemFailures');
  if (Array.isArray(failures)) span.setAttribute('aws.lambda.batch_item_failures', failures.length);
}
