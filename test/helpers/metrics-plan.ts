import { expect } from 'vitest';
import type { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import type { OrderStep } from '../e2e/fixtures/metrics/handler.ts';
import { httpApiEvent } from './http-api-event.ts';
import type { EnvironmentRun } from './run-plan.ts';

/** How invocation `i` of a plan ends, as the FaaS metrics should count it. */
export type PlannedOutcome = 'success' | 'throw' | 'http-200' | 'http-500' | 'timeout';

/** One planned invocation: what it does, where it runs, and whether it starts a process (a cold start). */
export interface PlannedStep {
  readonly i: number;
  readonly outcome: PlannedOutcome;
  readonly trigger: 'http' | 'other';
  readonly environment: number;
  readonly coldStart: boolean;
  readonly step: OrderStep;
}

/** A deterministic mix: about 0.6 % timeouts, 5 % throws, 3 % HTTP 500s, a quarter HTTP 200s, the rest plain successes. */
function outcomeOf(i: number): PlannedOutcome {
  if (i % 167 === 83) return 'timeout';
  if (i % 20 === 7) return 'throw';
  if ([3, 36, 69].includes(i % 100)) return 'http-500';
  if (i % 4 === 1) return 'http-200';
  return 'success';
}

/**
 * `count` invocations dealt round-robin over `environments`; the environment `kill.environment` is killed
 * (frozen) before its `kill.before`-th invocation and replaced. A step is a cold start when it is the first of
 * its environment, the first after the kill, or follows a timeout (Lambda resets a timed-out environment).
 */
export function planFor(count: number, environments: number, kill: { environment: number; before: number }): PlannedStep[] {
  const steps: PlannedStep[] = [];
  const previous = new Map<number, PlannedOutcome>();
  const served = new Map<number, number>();
  for (let i = 0; i < count; i++) {
    const outcome = outcomeOf(i);
    const environment = i % environments;
    const k = served.get(environment) ?? 0;
    const coldStart = k === 0 || (environment === kill.environment && k === kill.before) || previous.get(environment) === 'timeout';
    served.set(environment, k + 1);
    previous.set(environment, outcome);
    const trigger = outcome.startsWith('http') ? 'http' : 'other';
    const step: OrderStep = {
      outcome: outcome === 'throw' || outcome === 'timeout' ? outcome : 'success',
      orders: 1 + (i % 3),
      channel: i % 5 < 3 ? 'web' : 'store',
      amount: 5 + (i % 7) * 50,
      ...(trigger === 'http' ? { status: outcome === 'http-500' ? 500 : 200 } : {}),
    };
    steps.push({ i, outcome, trigger, environment, coldStart, step });
  }
  return steps;
}

/** The event Lambda would pass for a step: an HTTP API (payload 2.0) request with the step as its body, or the step itself. */
export function eventFor({ i, trigger, step }: PlannedStep): unknown {
  return trigger === 'http' ? httpApiEvent(`req-${i}`, JSON.stringify(step)) : step;
}

/** What the metrics of a plan must add up to. */
export function expectedTotals(plan: readonly PlannedStep[]) {
  const count = (keep: (s: PlannedStep) => boolean) => plan.filter(keep).length;
  const byTrigger = (outcomes: PlannedOutcome[]) =>
    Object.fromEntries(
      (['http', 'other'] as const)
        .map((trigger) => [trigger, count((s) => s.trigger === trigger && outcomes.includes(s.outcome))] as const)
        .filter(([, n]) => n > 0),
    );
  const orders = (keep: (s: PlannedStep) => boolean) => plan.filter(keep).reduce((sum, s) => sum + s.step.orders, 0);
  return {
    invocations: count((s) => s.outcome === 'success' || s.outcome === 'http-200'),
    errors: count((s) => s.outcome === 'throw' || s.outcome === 'http-500'),
    timeouts: count((s) => s.outcome === 'timeout'),
    coldStarts: count((s) => s.coldStart),
    invocationsByTrigger: byTrigger(['success', 'http-200']),
    errorsByTrigger: byTrigger(['throw', 'http-500']),
    timeoutsByTrigger: byTrigger(['timeout']),
    httpByStatus: { '200': count((s) => s.outcome === 'http-200'), '500': count((s) => s.outcome === 'http-500') },
    ordersPlaced: orders(() => true),
    ordersByChannel: { web: orders((s) => s.step.channel === 'web'), store: orders((s) => s.step.channel === 'store') },
    amountSum: plan.reduce((sum, s) => sum + s.step.amount, 0),
  };
}

/** The harness's account of a run: each outcome as planned, a new process exactly at each planned cold start, one environment killed frozen. */
export function checkRun(runs: readonly EnvironmentRun<PlannedStep>[]): void {
  const status = { success: 'success', 'http-200': 'success', 'http-500': 'success', throw: 'error', timeout: 'timeout' } as const;
  for (const run of runs) {
    let last: { server: RuntimeApiServer; processNumber: number } | undefined;
    for (const { planned, result, server } of run.results) {
      expect(result.status, `invocation ${planned.i}`).toBe(status[planned.outcome]);
      if (planned.outcome.startsWith('http'))
        expect(JSON.parse(result.payload).statusCode, `invocation ${planned.i}`).toBe(planned.step.status);
      const newProcess = last?.server !== server || last.processNumber !== result.processNumber;
      expect(newProcess, `invocation ${planned.i} in a new process`).toBe(planned.coldStart);
      last = { server, processNumber: result.processNumber };
    }
  }
  expect(runs.map((run) => run.killedFrozen).filter((frozen) => frozen !== undefined)).toEqual([true]);
}
