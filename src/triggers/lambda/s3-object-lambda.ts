import { SpanKind } from '@opentelemetry/api';
import { normalizeHeaders } from '../../core/propagation.ts';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

const CONTEXTS: [string, string][] = [
  ['getObjectContext', 'GetObject'],
  ['headObjectContext', 'HeadObject'],
  ['listObjectsContext', 'ListObjects'],
  ['listObjectsV2Context', 'ListObjectsV2'],
];

/**
 * S3 Object Lambda: `other`, span `S3 Object Lambda GetObject` (or HeadObject, ListObjects…), with the
 * access point; the parent from the W3C headers of the user's request, if any. The presigned
 * `inputS3Url` is not recorded (it is a credential).
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/olap-event-context.html
 */
export const s3ObjectLambda: MatchingTrigger = {
  name: 's3-object-lambda',
  matches: (event) => pick(event, 'userRequest') !== undefined && CONTEXTS.some(([key]) => pick(event, key) !== undefined),
  spanStart: (event: unknown) => {
    const operation = CONTEXTS.find(([key]) => pick(event, key) !== undefined)?.[1] ?? 'GetObject';
    const accessPoint = pickString(event, 'configuration', 'accessPointArn');
    return {
      name: `S3 Object Lambda ${operation}`,
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'other',
        'aws.s3.object_lambda.operation': operation,
        ...(accessPoint ? { 'aws.s3.object_lambda.access_point_arn': accessPoint } : {}),
      },
      parentCarrier: normalizeHeaders(pick(event, 'userRequest', 'headers')),
    };
  },
};
