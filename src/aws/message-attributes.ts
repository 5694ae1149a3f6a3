import { diag, propagation, type Context, type TextMapPropagator } from '@opentelemetry/api';

// SQS takes at most 10 message attributes, and SNS delivers at most 10 to an SQS subscription.
const MAX_ATTRIBUTES = 10;

interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
}
type Attributes = Record<string, MessageAttributeValue>;
type Message = { MessageAttributes?: Attributes } & Record<string, unknown>;

/** Where an operation's messages are: the input itself, or the list field of a batch. */
const CARRIERS: Record<string, Record<string, 'input' | 'Entries' | 'PublishBatchRequestEntries'>> = {
  SQS: { SendMessage: 'input', SendMessageBatch: 'Entries' },
  SNS: { Publish: 'input', PublishBatch: 'PublishBatchRequestEntries' },
};

/** Whether `service.operation` sends messages (its span is a PRODUCER span). */
export function isMessageSend(service: string, operation: string): boolean {
  return CARRIERS[service]?.[operation] !== undefined;
}

/**
 * A copy of `input` whose message(s) carry the trace context of `active` as String message attributes
 * (`traceparent`, `tracestate`, `baggage`), so the consumer links to (or continues) the producer's trace.
 * A message whose attributes would pass 10 is left as it is, and `onFull` is called. The caller's input
 * is never modified. `propagator`: the setup's (the API's by default).
 */
export function withTraceAttributes(
  service: string,
  operation: string,
  input: unknown,
  active: Context,
  onFull: () => void,
  propagator: Pick<TextMapPropagator, 'inject'> = propagation,
): unknown {
  const where = CARRIERS[service]?.[operation];
  if (where === undefined || typeof input !== 'object' || input === null) return input;
  const carrier: Record<string, string> = {};
  propagator.inject(active, carrier, { set: (c, key, value) => (c[key] = value) });
  if (Object.keys(carrier).length === 0) return input;
  const add = (message: Message): Message => {
    const existing = message.MessageAttributes ?? {};
    const names = Object.keys(carrier).filter((name) => !(name in existing));
    if (names.length === 0) return message;
    if (Object.keys(existing).length + names.length > MAX_ATTRIBUTES) {
      onFull();
      return message;
    }
    const added = Object.fromEntries(names.map((name) => [name, { DataType: 'String', StringValue: carrier[name] }]));
    return { ...message, MessageAttributes: { ...existing, ...added } };
  };
  if (where === 'input') return add(input as Message);
  const entries = (input as Record<string, unknown>)[where];
  if (!Array.isArray(entries)) return input;
  return { ...input, [where]: entries.map((entry) => (typeof entry === 'object' && entry !== null ? add(entry as Message) : entry)) };
}

/** The diagnostic for a message that had no room left for the trace context, once per client and operation. */
export function fullWarning(seen: Set<string>, service: string, operation: string): () => void {
  return () => {
    const key = `${service}.${operation}`;
    if (seen.has(key)) return;
    seen.add(key);
    diag.warn(
      `${key}: a message already has ${MAX_ATTRIBUTES} message attributes or close to it; its trace context was not added (the consumer will not link to this trace)`,
    );
  };
}
