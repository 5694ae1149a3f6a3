import { SpanKind } from '@opentelemetry/api';
import { isFirstRecordFrom, pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/** `ObjectCreated:Put` → `insert`, `ObjectRemoved:Delete` → `delete`, anything else → `edit`. */
function documentOperation(eventName: string): string {
  if (eventName.startsWith('ObjectCreated')) return 'insert';
  if (eventName.startsWith('ObjectRemoved')) return 'delete';
  return 'edit';
}

/**
 * S3 event notification: a `datasource` trigger with the FaaS document attributes.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 */
export const s3: MatchingTrigger = {
  name: 's3',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:s3'),
  spanStart: (event: unknown) => {
    const record = (pick(event, 'Records') as unknown[])[0];
    const eventName = pickString(record, 'eventName') ?? 'unknown';
    const bucket = pickString(record, 's3', 'bucket', 'name') ?? 'unknown';
    const key = pickString(record, 's3', 'object', 'key');
    return {
      name: `${eventName} ${bucket}`,
      kind: SpanKind.CONSUMER,
      attributes: {
        'faas.trigger': 'datasource',
        'faas.document.collection': bucket,
        'faas.document.operation': documentOperation(eventName),
        ...(key ? { 'faas.document.name': decodeURIComponent(key.replace(/\+/g, ' ')) } : {}),
        ...(pickString(record, 'eventTime') ? { 'faas.document.time': pickString(record, 'eventTime') } : {}),
        'aws.s3.bucket': bucket,
        'aws.lambda.batch_size': (pick(event, 'Records') as unknown[]).length,
      },
    };
  },
};
