import { SpanKind } from '@opentelemetry/api';
import { lastArnPart, pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * S3 Batch Operations (schema 1.0 `tasks`, 2.0 `tasks` with `s3Bucket`): `other`, span
 * `S3 Batch Operations <bucket>`, with the job id and the object key.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/batch-ops-invoke-lambda.html
 */
export const s3Batch: MatchingTrigger = {
  name: 's3-batch',
  matches: (event) => typeof pick(event, 'invocationSchemaVersion') === 'string' && typeof pick(event, 'job', 'id') === 'string',
  spanStart: (event: unknown) => {
    const task = (pick(event, 'tasks') as unknown[] | undefined)?.[0];
    const bucket = pickString(task, 's3Bucket') ?? lastArnPart(pickString(task, 's3BucketArn')) ?? 'unknown';
    const key = pickString(task, 's3Key');
    return {
      name: `S3 Batch Operations ${bucket}`,
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'other',
        'aws.s3.bucket': bucket,
        'aws.s3.batch.job_id': pickString(event, 'job', 'id')!,
        ...(key ? { 'aws.s3.key': key } : {}),
      },
    };
  },
};
