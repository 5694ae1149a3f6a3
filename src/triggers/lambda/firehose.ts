import { SpanKind } from '@opentelemetry/api';
import { pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

/**
 * Amazon Data Firehose transformation: `other`, span `transform <delivery stream>`, with the record count,
 * and from the result the records marked `ProcessingFailed`.
 * https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html
 */
export const firehose: MatchingTrigger = {
  name: 'firehose',
  matches: (event) => typeof pick(event, 'deliveryStreamArn') === 'string' && Array.isArray(pick(event, 'records')),
  spanStart: (event: unknown) => {
    const stream = pickString(event, 'deliveryStreamArn')!.split(':deliverystream/')[1] ?? 'unknown';
    return {
      name: `transform ${stream}`,
      kind: SpanKind.CONSUMER,
      attributes: {
        'faas.trigger': 'other',
        'aws.firehose.delivery_stream': stream,
        'aws.lambda.batch_size': (pick(event, 'records') as unknown[]).length,
      },
    };
  },
  onResult: (span, result) => {
    const records = pick(result, 'records');
    if (!Array.isArray(records)) return;
    span.setAttribute('aws.firehose.records_failed', records.filter((r) => pick(r, 'result') === 'ProcessingFailed').length);
  },
};
