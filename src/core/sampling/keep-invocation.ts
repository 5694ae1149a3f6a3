import { holdOf } from './hold-context.ts';
import { activeContext } from '../process-owner.ts';

/**
 * Asks tail sampling to keep the invocation this code runs in: its spans and logs are exported whatever the
 * head sampler said (records below the export level included only when it fails). Returns false outside an
 * invocation or with tail sampling off, where everything of the invocation is exported anyway.
 *
 * @example
 * import { keepInvocation } from 'faas-observability/lambda';
 * if (order.total > 10_000) keepInvocation();
 */
export function keepInvocation(): boolean {
  const hold = holdOf(activeContext());
  hold?.keep();
  return hold !== undefined;
}
