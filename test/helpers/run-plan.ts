import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';

/** A step of a plan: whatever it does, it runs in one environment. */
export interface PlacedStep {
  readonly environment: number;
}

/** What one environment did: its results in plan order, and every server it ran (the killed one first). */
export interface EnvironmentRun<S = PlacedStep> {
  readonly results: { readonly planned: S; readonly result: InvocationResult; readonly server: RuntimeApiServer }[];
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
export async function runEnvironment<S>(
  steps: readonly S[],
  eventOf: (step: S) => unknown,
  start: () => Promise<RuntimeApiServer>,
  killBefore?: number,
): Promise<EnvironmentRun<S>> {
  let server = await start();
  const servers = [server];
  const results: EnvironmentRun<S>['results'][number][] = [];
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
    results.push({ planned: steps[k]!, result: await server.invoke(eventOf(steps[k]!)), server });
  }
  return { results, servers, killedFrozen };
}

/** How the environments of a plan run: the built function, its environment variables, its timeout, the kill. */
export interface PlanRunOptions<S> {
  readonly taskRoot: string;
  readonly functionName: string;
  readonly env: Record<string, string>;
  readonly environments: number;
  readonly timeoutMs: number;
  /** The event Lambda passes for a step. */
  readonly event: (step: S) => unknown;
  /** The environment reclaimed (SIGKILL while frozen) before its `before`-th invocation, if any. */
  readonly kill?: { readonly environment: number; readonly before: number };
}

/**
 * Runs a plan in its environments side by side, each one invocation after another. Every server it started is
 * in the runs, for their output and to stop them; a run that fails stops them all.
 *
 * @example
 * const runs = await runPlan(planFor(100, 3, kill), { taskRoot, functionName, env, environments: 3, timeoutMs: 6000, event: eventFor, kill });
 */
export async function runPlan<S extends PlacedStep>(plan: readonly S[], options: PlanRunOptions<S>): Promise<EnvironmentRun<S>[]> {
  const started: RuntimeApiServer[] = [];
  const start = async () => {
    const server = await RuntimeApiServer.start({
      taskRoot: options.taskRoot,
      handler: 'index.handler',
      functionName: options.functionName,
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
          options.event,
          start,
          e === options.kill?.environment ? options.kill.before : undefined,
        ),
      ),
    );
  } finally {
    await Promise.all(started.map((server) => server.stop({ graceful: false })));
  }
}
