import { SpanKind } from '@opentelemetry/api';
import { normalizeHeaders } from '../../core/propagation.ts';
import { lastArnPart, pick, pickString, type MatchingTrigger } from '../../core/trigger.ts';

function isEventBridge(event: unknown): boolean {
  return typeof pick(event, 'detail-type') === 'string' && typeof pick(event, 'source') === 'string' && pick(event, 'detail') !== undefined;
}

function isSchedule(event: unknown): boolean {
  return pick(event, 'source') === 'aws.events' && pick(event, 'detail-type') === 'Scheduled Event';
}

/**
 * EventBridge scheduled rule: a `timer` trigger with `faas.time`; the rule name stands in for the cron
 * expression, which the event does not carry.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-run-lambda-schedule.html
 */
export const schedule: MatchingTrigger = {
  name: 'schedule',
  matches: (event) => isEventBridge(event) && isSchedule(event),
  spanStart: (event: unknown) => {
    const rule = lastArnPart(pickString(event, 'resources', '0'))?.replace(/^rule\//, '');
    return {
      name: rule ? `schedule ${rule}` : 'schedule',
      kind: SpanKind.SERVER,
      attributes: {
        'faas.trigger': 'timer',
        ...(pickString(event, 'time') ? { 'faas.time': pickString(event, 'time') } : {}),
        ...(rule ? { 'aws.eventbridge.rule': rule } : {}),
      },
    };
  },
};

/**
 * Any other EventBridge event: a `pubsub` trigger; a `traceparent` inside `detail` (or
 * `detail.headers`) becomes the parent, since EventBridge forwards the detail untouched.
 * https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-events-structure.html
 */
export const eventBridge: MatchingTrigger = {
  name: 'eventbridge',
  matches: (event) => isEventBridge(event) && !isSchedule(event),
  spanStart: (event: unknown) => {
    const source = pickString(event, 'source') ?? 'unknown';
    const detailType = pickString(event, 'detail-type') ?? 'unknown';
    return {
      name: `${source} ${detailType}`,
      kind: SpanKind.CONSUMER,
      attributes: {
        'faas.trigger': 'pubsub',
        'messaging.system': 'aws_eventbridge',
        'messaging.operation.type': 'process',
        'messaging.destination.name': source,
        'aws.eventbridge.detail_type': detailType,
        ...(pickString(event, 'id') ? { 'messaging.message.id': pickString(event, 'id') } : {}),
      },
      parentCarrier: normalizeHeaders(pick(event, 'detail', 'headers'), pick(event, 'detail')),
    };
  },
};
