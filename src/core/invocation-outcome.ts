import { TraceFlags, type Attributes, type Span } from '@opentelemetry/api';
import type { InvocationHold } from './sampling/invocation-hold.ts';
import type { OutcomeSpan } from './outcome-span.ts';
import type { Telemetry } from './telemetry.ts';

/** How the invocation's handler ended: returned a result, threw, or ran into the timeout net. */
export type HowEnded = 'returned' | 'threw' | 'timedOut';

export interface EndedInvocation {
  readonly span: Span;
  /** The span as the outcome's recording saw it: whether it set ERROR, the attributes it set. */
  readonly watched: OutcomeSpan;
  readonly how: HowEnded;
  /** The attributes the span started with (`faas.trigger`, the HTTP request's). */
  readonly started: Attributes;
  readonly coldStart: boolean;
  readonly durationMs: number;
  /** The invocation's hold, with tail sampling on. */
  readonly hold: InvocationHold | undefined;
}

/**
 * What an invocation's end decides beyond its span: the FaaS metrics count it (every invocation, whatever is
 * sampled), and with tail sampling its hold is kept or dropped, all of it, from the outcome. Called once the
 * span has ended (so the span is in the hold). Returns whether the invocation is urgent for batched delivery:
 * it failed, timed out, or a sampling rule kept it. Never throws: a failure is a diagnostic.
 *
 * @example
 * settleOutcome(telemetry, { span, watched, how: 'threw', started, coldStart: false, durationMs: 12, hold });
 */
export function settleOutcome(telemetry: Telemetry, ended: EndedInvocation): boolean {
  const { watched, how, started, hold } = ended;
  try {
    const failed = how === 'threw' || watched.failed;
    const outcome = how === 'timedOut' ? 'timeout' : failed ? 'error' : 'success';
    const durationS = ended.durationMs / 1000;
    telemetry.metrics?.countInvocation({ outcome, durationS, coldStart: ended.coldStart, started, recorded: watched.attributes });
    if (!hold) return failed;
    const headSampled = (ended.span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    // A partial batch response is a successful invocation (Lambda retries the records), but records failed in
    // it: sampling keeps it as a failure.
    const itemsFailed = Number(watched.attributes['aws.lambda.batch_item_failures'] ?? 0) > 0;
    const decision = hold.decide({
      headSampled,
      failed: failed || itemsFailed,
      timedOut: how === 'timedOut',
      durationMs: ended.durationMs,
    });
    const trigger = started['faas.trigger'];
    if (decision === 'drop') telemetry.metrics?.faas.samplingDropped(typeof trigger === 'string' ? trigger : 'other');
    return failed || itemsFailed || (decision === 'keep' && !headSampled);
  } catch (error) {
    telemetry.diagnostics.debug('could not settle the invocation outcome', error);
    return true;
  }
}
