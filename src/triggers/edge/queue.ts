import { SpanKind } from '@opentelemetry/api';
import type { MessageBatchLike } from './edge-types.ts';
import type { TriggerAdapter } from '../../core/trigger.ts';

/** A Queues consumer batch (Workers `queue`): CONSUMER span, `pubsub` trigger, messaging attributes. */
export const edgeQueue: TriggerAdapter<MessageBatchLike> = {
  name: 'edge-queue',
  spanStart: (batch: MessageBatchLike) => ({
    name: `process ${batch.queue}`,
    kind: SpanKind.CONSUMER,
    attributes: {
      'faas.trigger': 'pubsub',
      'messaging.system': 'cloudflare_queues',
      'messaging.operation.type': 'process',
      'messaging.destination.name': batch.queue,
      'messaging.batch.message_count': batch.messages.length,
    },
  }),
};
