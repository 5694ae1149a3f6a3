import { SpanKind } from '@opentelemetry/api';
import { recordBatchItemFailures } from './batch-item-failures.ts';
import { isFirstRecordFrom, pick, pickString, type EachRecord, type MatchingTrigger } from '../../core/trigger.ts';

const DOCUMENT_OPERATIONS: Record<string, string> = { INSERT: 'insert', MODIFY: 'edit', REMOVE: 'delete' };

/** `arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2026-…` → `Orders`. */
function dynamoTableName(arn: string | undefined): string | undefined {
  return arn?.split(':table/')[1]?.split('/')[0];
}

/**
 * One DynamoDB Streams record: the table as destination, its operation; like Kinesis, the batch stops at
 * a failure. https://docs.aws.amazon.com/lambda/latest/dg/services-ddb-batchfailurereporting.html
 */
const dynamodbRecord: EachRecord = {
  system: 'aws_dynamodb_streams',
  records: (event) => pick(event, 'Records') as unknown[],
  destination: (record) => dynamoTableName(pickString(record, 'eventSourceARN')),
  carrier: () => ({}),
  attributes: (record) => ({ 'faas.document.operation': DOCUMENT_OPERATIONS[pickString(record, 'eventName') ?? ''] ?? 'edit' }),
  itemIdentifier: (record) => pickString(record, 'dynamodb', 'SequenceNumber'),
  onFailure: () => 'stop',
};

/**
 * DynamoDB Streams batch: a `datasource` trigger with the FaaS document attributes (the table, and the
 * operation when every record has the same one), span `process <table>`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 */
export const dynamodbStreams: MatchingTrigger = {
  name: 'dynamodb-streams',
  matches: (event) => isFirstRecordFrom(event, 'eventSource', 'aws:dynamodb'),
  spanStart: (event: unknown) => {
    const records = dynamodbRecord.records(event);
    const table = dynamodbRecord.destination(records[0]) ?? 'unknown';
    const names = new Set(records.map((record) => pickString(record, 'eventName')));
    const operation = names.size === 1 ? DOCUMENT_OPERATIONS[[...names][0] ?? ''] : undefined;
    const created = pick(records[0], 'dynamodb', 'ApproximateCreationDateTime');
    return {
      name: `process ${table}`,
      kind: SpanKind.CONSUMER,
      attributes: {
        'faas.trigger': 'datasource',
        'faas.document.collection': table,
        ...(operation ? { 'faas.document.operation': operation } : {}),
        ...(typeof created === 'number' ? { 'faas.document.time': new Date(created * 1000).toISOString() } : {}),
        'aws.dynamodb.table_names': [table],
        'aws.lambda.batch_size': records.length,
      },
    };
  },
  eachRecord: dynamodbRecord,
  onResult: recordBatchItemFailures,
};
