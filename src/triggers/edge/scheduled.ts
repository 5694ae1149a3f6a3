import { SpanKind } from '@opentelemetry/api';
import type { ScheduledControllerLike } from './edge-types.ts';
import type { TriggerAdapter } from '../../core/trigger.ts';

/** A Cron Trigger (Workers `scheduled`): `timer` trigger with `faas.cron` and `faas.time`. */
export const edgeScheduled: TriggerAdapter<ScheduledControllerLike> = {
  name: 'edge-scheduled',
  spanStart: (controller: ScheduledControllerLike) => ({
    name: `cron ${controller.cron}`,
    kind: SpanKind.SERVER,
    attributes: {
      'faas.trigger': 'timer',
      'faas.cron': controller.cron,
      'faas.time': new Date(controller.scheduledTime).toISOString(),
    },
  }),
};
