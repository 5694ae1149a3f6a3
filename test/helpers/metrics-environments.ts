import { expect } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { eventFor, type PlannedStep } from './metrics-plan.ts';

/** What one environment did: its results in plan order, and every server it ran (the killed one first). */
export interface EnvironmentRun {
  readonly results: { readonly planned: PlannedStep; readonly result: InvocationResult; readonly server: RuntimeApiServer }[];
  readonly servers: RuntimeApiServer[];
  /** Whether the killed environment was frozen when it got SIGKILL. */
  readonly killedFrozen?: boolean;
}

/**
 * Runs one environment's share of a plan, one invocation after another (as Lambda serves one environment),
 * and at `killBefore` ends it as Lambda reclaims an environment: between invocations, after the last flush, frozen
 * at /next, SIGKILL; a fresh environment (a new process, a new log stream, so a `faas.instance` of its own)
 * takes over.
 */
export async function runEnvironment(
  steps: readonly PlannedStep[],
  start: () => Promise<RuntimeApiServer>,
  killBefore?: number,
): Promise<EnvironmentRun> {
  let server = await start();
  const servers = [server];
  const results: EnvironmentRun['results'][number][] = [];
  let killedFrozen: boolean | undefined;
  for (let k = 0; k < steps.length; k++) {
    if (k === killBefore) {
      // The invoke phase ends when the runtime and the library's extension ask for their next event, the
      // flush done; the emulator freezes the process right then.
      await server.idle();
      const frozen = server;
      await frozen.until(() => frozen.frozen, 'the environment frozen after its last invocation');
      killedFrozen = frozen.frozen;
      await frozen.stop({ graceful: false });
      server = await start();
      servers.push(server);
    }
    results.push({ planned: steps[k]!, result: await server.invoke(eventFor(steps[k]!)), server });
  }
  return { results, servers, killedFrozen };
}

/** How the environments of a plan run: the built function, its environment variables, its timeout, the kill. */
export interface PlanRunOptions {
  readonly taskRoot: string;
  readonly env: Record<string, string>;
  readonly environments: number;
  readonly timeoutMs: number;
  readonly kill: { readonly environment: number; readonly before: number };
}

/**
 * Runs a plan (metrics-plan.ts) in its environments side by side, each one invocation after another. Every
 * server it started is in the runs, for their output and to stop them; a run that fails stops them all.
 *
 * @example
 * const runs = await runPlan(planFor(100, 3, kill), { taskRoot, env, environments: 3, timeoutMs: 6000, kill });
 */
export async function runPlan(plan: readonly PlannedStep[], options: PlanRunOptions): Promise<EnvironmentRun[]> {
  const started: RuntimeApiServer[] = [];
  const start = async () => {
    const server = await RuntimeApiServer.start({
      taskRoot: options.taskRoot,
      handler: 'index.handler',
      functionName: 'orders-metrics',
      timeoutMs: options.timeoutMs,
      env: options.env,
    });
    started.push(server);
    return server;
  };
  try {
    return await Promise.all(
      Array.from({ length: options.environments }, (_, e) =>
        runEnvironment(
          plan.filter((s) => s.environment === e),
          start,
          e === options.kill.environment ? options.kill.before : undefined,
        ),
      ),
    );
  } finally {
    await Promise.all(started.map((server) => server.stop({ graceful: false })));
  }
}

/** The harness's account of a run: each outcome as planned, a new process exactly at each planned cold start, one environment killed frozen. */
export function checkRun(runs: readonly EnvironmentRun[]): void {
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
