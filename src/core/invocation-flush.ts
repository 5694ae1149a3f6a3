import { describeDelivery } from '../exporters/delivery-report.ts';
import { isError, safeRead } from './safe-read.ts';
import { describeThrown } from './span-error.ts';
import type { Telemetry } from './telemetry.ts';

/** What the flush of one invocation needs of it (an `InvocationInput`). */
export interface FlushInput {
  readonly telemetry: Telemetry;
  /** Milliseconds left before the platform's deadline; absent where there is none. */
  readonly remainingTimeMs?: () => number;
  /** Batched delivery may hold the records for a later invocation (`telemetry.batching` decides). */
  readonly batched?: boolean;
}

/** What the flush of one invocation knows of it. */
export interface Ending {
  /** `Date.now()` at its start. */
  readonly startedAt: number;
  /** Failed, timed out or kept by a sampling rule: batched delivery sends at once. */
  urgent: boolean;
}

/**
 * Flushes within `min(flush budget, remaining time − margin)`, unless batched delivery holds the records for a
 * later invocation; reports, never throws. One warning line per invocation at most, with what the export took;
 * at debug level a line for every invocation says what it cost.
 *
 * @example
 * await flushBeforeFreeze(input, { startedAt: Date.now(), urgent: false });
 */
export async function flushBeforeFreeze(input: FlushInput, ending: Ending): Promise<void> {
  const { config, diagnostics, batching } = input.telemetry;
  const reason =
    input.batched && batching ? batching({ startedAt: ending.startedAt, now: Date.now(), urgent: ending.urgent }) : 'invocation';
  if (reason === 'hold') return diagnostics.debug('telemetry held for a later invocation (batched delivery)');
  const remaining = remainingTime(input);
  const bound = Math.max(
    0,
    remaining === undefined ? config.flushBudgetMs : Math.min(config.flushBudgetMs, remaining - config.flushMarginMs),
  );
  const summary = await input.telemetry.flush(bound);
  const delivery = input.telemetry.takeDeliveryReport();
  const parts: string[] = [];
  if (summary.timedOut) parts.push(`flush did not finish within ${bound} ms (what it still held was written to stdout)`);
  if (delivery) parts.push(...describeDelivery(delivery));
  else if (!summary.ok && !summary.timedOut) parts.push(`telemetry flush failed: ${summary.errors.map(describe).join('; ')}`);
  // What telemetry costs this invocation: the flush's time (billed, after the response too).
  if (parts.length > 0) diagnostics.warn(`${parts.join('; ')} (export took ${summary.durationMs} ms)`);
  else
    diagnostics.debug(
      `telemetry exported in ${summary.durationMs} ms (${reason === 'invocation' ? 'per invocation' : `batched: ${reason}`})`,
    );
}

/** The milliseconds left, or undefined when there is no deadline or the context cannot tell (a throwing getter). */
export function remainingTime(input: Pick<FlushInput, 'remainingTimeMs'>): number | undefined {
  const remaining = safeRead(() => input.remainingTimeMs?.(), undefined);
  return typeof remaining === 'number' && Number.isFinite(remaining) ? remaining : undefined;
}

/** A flush error's message, and its cause's when that is an Error too. */
function describe(error: unknown): string {
  const cause = isError(error) ? safeRead(() => error.cause, undefined) : undefined;
  const { message } = describeThrown(error);
  return isError(cause) ? `${message}: ${describeThrown(cause).message}` : message;
}
