import type { WaitUntilContext } from '../triggers/edge/edge-types.ts';

export interface WaitUntilTracker {
  /** The context to hand the user: its `waitUntil` is tracked, everything else is the runtime's. */
  readonly context: WaitUntilContext;
  /** Runs `work` through the runtime's waitUntil once every promise the user passed (nested ones too) settled. */
  after(work: () => Promise<void>): void;
}

/**
 * Tracks the user's `ctx.waitUntil` calls so the telemetry flush runs after them — their logs and spans
 * are included — without delaying the response: the flush itself is handed to the runtime's waitUntil.
 *
 * @example
 * const tracker = trackWaitUntil(ctx);
 * const response = await userFetch(request, env, tracker.context);
 * tracker.after(() => telemetry.flush(1000).then(() => undefined));
 */
export function trackWaitUntil(runtimeContext: WaitUntilContext): WaitUntilTracker {
  const pending = new Set<Promise<unknown>>();
  const context = new Proxy(runtimeContext, {
    get(target, property) {
      if (property === 'waitUntil') {
        return (promise: Promise<unknown>) => {
          pending.add(promise);
          target.waitUntil(promise);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return {
    context,
    after(work) {
      runtimeContext.waitUntil(
        (async () => {
          // Yield a macrotask first: the flush's synchronous work (serialization, request setup) must not run
          // in the microtasks between the handler's return and the runtime sending the Response.
          await new Promise((resolve) => setTimeout(resolve, 0));
          // A waitUntil'd promise may itself call waitUntil: wait until no new promise appeared.
          for (let seen = -1; seen !== pending.size;) {
            seen = pending.size;
            await Promise.allSettled([...pending]);
          }
          await work();
        })(),
      );
    },
  };
}
