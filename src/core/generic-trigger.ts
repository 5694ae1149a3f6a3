import { SpanKind } from '@opentelemetry/api';
import { normalizeHeaders } from './propagation.ts';
import { pick, type TriggerAdapter, type TriggerInput } from './trigger.ts';

/**
 * Any other event (direct invoke, Step Functions, custom sources): `faas.trigger` `other`, span named after
 * the function. A `traceparent` at the top level or in `headers` of the payload becomes the parent, so a
 * caller that invokes with trace context stays connected.
 */
export const generic: TriggerAdapter = {
  name: 'generic',
  spanStart: (event: unknown, { functionName }: TriggerInput) => ({
    name: functionName,
    kind: SpanKind.SERVER,
    attributes: { 'faas.trigger': 'other' },
    parentCarrier: normalizeHeaders(pick(event, 'headers'), topLevelContext(event)),
  }),
};

function topLevelContext(event: unknown): Record<string, unknown> | undefined {
  if (typeof event !== 'object' || event === null) return undefined;
  const { traceparent, tracestate, baggage } = event as Record<string, unknown>;
  return traceparent === undefined ? undefined : { traceparent, tracestate, baggage };
}
