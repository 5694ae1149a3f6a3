import type { TailStep } from '../e2e/fixtures/tail/handler.ts';
import { httpApiEvent } from './http-api-event.ts';

/** How invocation `i` of a tail-sampling plan ends; the last three are failures, kept whatever the head sampler said. */
export type TailOutcome = 'ordinary' | 'slow' | 'throw' | 'http-5xx' | 'timeout';

/** One planned invocation: its tag, how it ends, where it runs, and what the fixture is asked to do. */
export interface TailPlanStep {
  readonly i: number;
  readonly tag: string;
  readonly outcome: TailOutcome;
  readonly trigger: 'http' | 'other';
  readonly environment: number;
  readonly step: TailStep;
}

/** What every invocation writes: debug lines (below the `info` export level) and info lines, and one child span. */
export const TAIL_LINES = { debug: 2, info: 3 } as const;

export const isFailure = (outcome: TailOutcome): boolean => outcome === 'throw' || outcome === 'http-5xx' || outcome === 'timeout';

/**
 * Slot `j` of environment `e` (of at most 4): 2 % failures (a tenth of them timeouts, the rest throws and HTTP
 * 5xx), 1 % slow, the rest ordinary (a quarter of them HTTP); every environment gets its share of each.
 */
function outcomeOf(j: number, e: number): TailOutcome {
  if (j % 50 === 7 + e) {
    if (j % 500 === 7 + e) return 'timeout';
    return Math.floor(j / 50) % 2 === 0 ? 'throw' : 'http-5xx';
  }
  if (j % 100 === 31 + e) return 'slow';
  return 'ordinary';
}

/**
 * `count` invocations dealt round-robin over `environments` (at most 4): a slow one sleeps `slowMs`, a timeout
 * sleeps for ten minutes (the harness ends it at the function's timeout).
 */
export function tailPlan(count: number, environments: number, slowMs: number): TailPlanStep[] {
  return Array.from({ length: count }, (_, i) => {
    const [j, environment] = [Math.floor(i / environments), i % environments];
    const outcome = outcomeOf(j, environment);
    const trigger = outcome === 'http-5xx' || (outcome === 'ordinary' && j % 4 === 1) ? 'http' : 'other';
    const tag = `t${i}`;
    const step: TailStep = {
      tag,
      debugLines: TAIL_LINES.debug,
      infoLines: TAIL_LINES.info,
      end: outcome === 'throw' ? 'throw' : 'return',
      ...(outcome === 'slow' ? { sleepMs: slowMs } : outcome === 'timeout' ? { sleepMs: 600_000 } : {}),
      ...(trigger === 'http' ? { status: outcome === 'http-5xx' ? [500, 502, 503, 504][Math.floor(j / 100) % 4]! : 200 } : {}),
    };
    return { i, tag, outcome, trigger, environment, step };
  });
}

/** The event Lambda would pass for a step: an HTTP API (payload 2.0) request with the step as its body, or the step itself. */
export function tailEvent({ tag, trigger, step }: TailPlanStep): unknown {
  return trigger === 'http' ? httpApiEvent(`req-${tag}`, JSON.stringify(step)) : step;
}
