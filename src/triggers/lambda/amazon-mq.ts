import { headerBytesToString, messageBatchSpanStart } from '../messaging.ts';
import { pick, pickString, type MatchingTrigger, type TriggerInput } from '../../core/trigger.ts';

/** RabbitMQ header values arrive as `{ bytes: [...] }` (strings) or as plain numbers and booleans. */
export function rabbitHeaders(message: unknown): Record<string, string> {
  const headers: Record<string, string> = {};
  const source = pick(message, 'basicProperties', 'headers');
  if (typeof source !== 'object' || source === null) return headers;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    const text = typeof value === 'string' ? value : headerBytesToString(pick(value, 'bytes'));
    if (text !== undefined) headers[name] = text;
  }
  return headers;
}

/** Every RabbitMQ message, in order: `rmqMessagesByQueue` is keyed by `queue::vhost`. */
export function rabbitMessages(event: unknown): { queue: string; message: unknown }[] {
  const byQueue = pick(event, 'rmqMessagesByQueue');
  if (typeof byQueue !== 'object' || byQueue === null) return [];
  return Object.entries(byQueue as Record<string, unknown>).flatMap(([key, list]) =>
    Array.isArray(list) ? list.map((message) => ({ queue: key.split('::')[0] ?? key, message })) : [],
  );
}

/**
 * Amazon MQ for ActiveMQ: a `pubsub` CONSUMER span (`process <queue>`), linked to each message whose
 * properties carry `traceparent`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
export const activeMq: MatchingTrigger = {
  name: 'activemq',
  matches: (event) => pick(event, 'eventSource') === 'aws:mq' && Array.isArray(pick(event, 'messages')),
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const records = pick(event, 'messages') as unknown[];
    const queues = new Set(records.map((message) => pickString(message, 'destination', 'physicalName')));
    return messageBatchSpanStart(
      {
        system: 'activemq',
        destination: queues.size === 1 ? [...queues][0] : undefined,
        records,
        carrierOf: (message) => ({ headers: (pick(message, 'properties') as Record<string, unknown>) ?? {} }),
      },
      propagator,
    );
  },
};

/**
 * Amazon MQ for RabbitMQ: a `pubsub` CONSUMER span (`process <queue>`), linked to each message whose
 * headers carry `traceparent`.
 * https://docs.aws.amazon.com/lambda/latest/dg/with-mq.html
 */
export const rabbitMq: MatchingTrigger = {
  name: 'rabbitmq',
  matches: (event) => pick(event, 'eventSource') === 'aws:rmq',
  spanStart: (event: unknown, { propagator }: TriggerInput) => {
    const messages = rabbitMessages(event);
    const queues = new Set(messages.map(({ queue }) => queue));
    return messageBatchSpanStart(
      {
        system: 'rabbitmq',
        destination: queues.size === 1 ? [...queues][0] : undefined,
        records: messages.map(({ message }) => message),
        carrierOf: (message) => ({ headers: rabbitHeaders(message) }),
      },
      propagator,
    );
  },
};
