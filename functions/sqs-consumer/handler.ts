import { withObservability } from '../../src/lambda.ts';

interface SqsRecord {
  readonly messageId: string;
  readonly body: string;
}

/**
 * SQS batch consumer with partial batch failures: a record that cannot be processed is reported in
 * `batchItemFailures` (so only it is retried) instead of failing the whole batch.
 * Needs `ReportBatchItemFailures` on the event source mapping.
 */
export const handler = withObservability(async (event: { Records: SqsRecord[] }) => {
  const batchItemFailures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      const order = JSON.parse(record.body) as { orderId?: string; qty?: number };
      if (!order.orderId || !order.qty || order.qty <= 0) throw new Error(`invalid order in message ${record.messageId}`);
      console.log('order %s: %d item(s) reserved', order.orderId, order.qty, { messageId: record.messageId });
    } catch (error) {
      console.error('message %s failed', record.messageId, error);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});
