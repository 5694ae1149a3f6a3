import type { Attributes } from '@opentelemetry/api';
import { startInitLogCapture } from '../console/init-log-capture.ts';
import { DEFAULTS } from '../core/config/defaults.ts';
import { runInvocation } from '../core/invocation.ts';
import type { TriggerAdapter } from '../core/trigger.ts';
import { hasWaitUntil, type EdgeHandlerObject, type WaitUntilContext } from '../triggers/edge/edge-types.ts';
import { edgeFetch } from '../triggers/edge/fetch.ts';
import { userRoute } from '../triggers/http.ts';
import { edgeQueue } from '../triggers/edge/queue.ts';
import { edgeScheduled } from '../triggers/edge/scheduled.ts';
import { createEdgeSetup, type EdgeOptionsInput, type EdgeSetup } from './edge-setup.ts';
import { detectRuntime } from './detect-runtime.ts';
import { tracedEnv } from './outbound-fetch.ts';
import { requestIdOf } from './request-id.ts';
import { trackWaitUntil } from './wait-until.ts';

export type { EdgeObservabilityOptions, EdgeOptionsInput } from './edge-setup.ts';
export type { EdgeHandlerObject } from '../triggers/edge/edge-types.ts';

// Handlers are user functions of any shape; `unknown` parameters would reject typed handlers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

/**
 * The type of the `env` binding a Workers handler object's `fetch` takes; `unknown` for anything else. An
 * optional binding typed `Bindings | {}` (Hono's `app.fetch`) gives `Bindings`: the runtime always passes it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EnvOf<H> = H extends { fetch(request: any, env: infer E, ...rest: any[]): any } ? BindingOf<E> : unknown;

/** `E` without `undefined` and the empty object type, unless nothing else is left. */
type BindingOf<E> = [WithoutEmpty<NonNullable<E>>] extends [never] ? E : WithoutEmpty<NonNullable<E>>;
// Distributes over a union: `{}` (and an all-optional object) goes, a binding with required fields stays.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
type WithoutEmpty<E> = E extends unknown ? ({} extends E ? never : E) : never;

/** A telemetry setup for one isolate and the handlers wrapped with it. */
export interface EdgeObservability<E = unknown> {
  /** Wraps a Workers handler object or a fetch handler; see `withObservability`. */
  wrap<H extends AnyFunction | EdgeHandlerObject | object>(handler: H): H;
  /** Written once the setup exists (on the first request), through its diagnostics. */
  warnOnce(key: string, message: string): void;
  /**
   * Detaches the setup (the isolate's other setups keep the console, the global fetch and the API; the last
   * one to shut down restores them), then flushes and shuts the providers down.
   */
  shutdown(): Promise<void>;
  /** For typing only: the `env` binding its options function takes. */
  readonly env?: E;
}

/**
 * Creates one telemetry setup for an isolate: the console capture now (so console calls made while the
 * module initialises are kept), the providers on the first request, when the Worker's `env` binding
 * arrives. What is isolate-wide (the console, the global fetch, the API registration) is shared by every
 * setup: each request's records, spans and outbound calls go to the setup whose wrapped handler serves
 * it, exported by that setup under its own service.name; calls made outside any request (init logs
 * included) go to the first setup attached (the first to serve a request). `withObservability` keeps one per isolate.
 *
 * @example
 * const observability = createEdgeObservability((env: Env) => ({ endpoint: env.OTLP_ENDPOINT }));
 * export default observability.wrap({ async fetch(request, env, ctx) { return new Response('ok'); } });
 */
export function createEdgeObservability<E = unknown>(options?: EdgeOptionsInput<E>): EdgeObservability<E> {
  // This setup's hold on the console until it exists (its telemetry then holds it, or lets it go).
  const initCapture = startInitLogCapture({ format: DEFAULTS.consoleFormat, maxBodyLength: DEFAULTS.maxLogBodyLength }, undefined, {});
  const warnings = new Map<string, string>();
  let setup: Promise<EdgeSetup> | undefined;
  let coldStartPending = true;
  const setupFor = (binding: unknown) =>
    (setup ??= createEdgeSetup(options, binding as E, [...warnings.values()]).finally(() => initCapture.end()));
  const observeWith: Observe = async (binding, trigger, event, runtimeContext, run, attributes) => {
    const current = await setupFor(binding);
    const coldStart = coldStartPending;
    coldStartPending = false;
    const env = current.outbound ? tracedEnv(binding, current.outbound) : binding;
    return observe(current, trigger, event(current), runtimeContext, (context) => run(context, env), {
      'faas.coldstart': coldStart,
      ...attributes,
    });
  };
  return {
    wrap: (handler) => wrapHandler(handler, observeWith),
    warnOnce(key, message) {
      if (warnings.has(key)) return;
      warnings.set(key, message);
      void setup?.then(({ telemetry }) => telemetry?.diagnostics.warn(message));
    },
    async shutdown() {
      initCapture.end();
      const current = await setup;
      await current?.telemetry?.shutdown();
    },
  };
}

type Observe = <E>(
  binding: unknown,
  trigger: TriggerAdapter<E>,
  event: (setup: EdgeSetup) => E,
  runtimeContext: unknown,
  run: (context: unknown, env: unknown) => unknown,
  attributes: Attributes,
) => Promise<unknown>;

/** Runs one invocation; flushes through waitUntil after the user's own work, or before returning without one. */
function observe<E>(
  { telemetry, keepsRunning }: EdgeSetup,
  trigger: TriggerAdapter<E>,
  event: E,
  runtimeContext: unknown,
  run: (context: unknown) => unknown,
  attributes: Attributes,
): unknown {
  if (!telemetry) return run(runtimeContext);
  const tracker = hasWaitUntil(runtimeContext) ? trackWaitUntil(runtimeContext) : undefined;
  // Without waitUntil: a runtime that keeps serving after the response (Deno.serve, Node) flushes in the
  // background; anywhere else the flush runs before the response is returned, so nothing is cut off.
  const deferFlush = tracker
    ? (flush: () => Promise<void>) => tracker.after(flush)
    : keepsRunning
      ? (flush: () => Promise<void>) => {
          void flush();
        }
      : undefined;
  return runInvocation({
    telemetry,
    trigger,
    event,
    functionName: telemetry.config.serviceName ?? 'edge-function',
    attributes,
    run: () => run(tracker?.context ?? runtimeContext),
    deferFlush,
  });
}

/** The user's route template for a request; a route function that throws costs the span its route, reported once. */
function routeOf({ options, telemetry }: EdgeSetup, request: Request): string | undefined {
  return options.route && telemetry ? userRoute(options.route, request, telemetry.diagnostics) : undefined;
}

function wrapFetch(observeWith: Observe, fetch: AnyFunction, thisArg: unknown, withEnv: boolean) {
  const runtime = detectRuntime();
  return async function observedFetch(request: Request, second?: unknown, third?: unknown): Promise<Response> {
    // Workers: (request, env, ctx). Vercel/Netlify: (request, context). Deno.serve: (request, info).
    const [binding, runtimeContext] = withEnv ? [second, third] : [undefined, second];
    return observeWith(
      binding,
      edgeFetch,
      (setup: EdgeSetup) => ({ request, route: routeOf(setup, request) }),
      runtimeContext,
      (context, env) => (withEnv ? fetch.call(thisArg, request, env, context) : fetch.call(thisArg, request, context)),
      requestIdOf(request, runtime),
    ) as Promise<Response>;
  };
}

function wrapBatch<E>(observeWith: Observe, method: AnyFunction, thisArg: unknown, trigger: TriggerAdapter<E>) {
  return async function observedEvent(event: E, binding: unknown, runtimeContext: WaitUntilContext): Promise<unknown> {
    return observeWith(
      binding,
      trigger,
      () => event,
      runtimeContext,
      (context, env) => method.call(thisArg, event, env, context),
      {},
    );
  };
}

function wrapHandler<H extends AnyFunction | object>(handler: H, observeWith: Observe): H {
  assertEdgeHandler(handler);
  if (typeof handler === 'function') return wrapFetch(observeWith, handler as AnyFunction, undefined, false) as unknown as H;
  const wrapped: Record<string, unknown> = { ...handler };
  const methods = handler as Record<string, unknown>;
  if (typeof methods.fetch === 'function') wrapped.fetch = wrapFetch(observeWith, methods.fetch as AnyFunction, handler, true);
  if (typeof methods.scheduled === 'function')
    wrapped.scheduled = wrapBatch(observeWith, methods.scheduled as AnyFunction, handler, edgeScheduled);
  if (typeof methods.queue === 'function') wrapped.queue = wrapBatch(observeWith, methods.queue as AnyFunction, handler, edgeQueue);
  return wrapped as H;
}

function assertEdgeHandler(handler: unknown): asserts handler is AnyFunction | object {
  if (typeof handler !== 'function' && (typeof handler !== 'object' || handler === null)) {
    throw new TypeError(
      `withObservability expects a fetch handler or a Workers handler object, got ${handler === null ? 'null' : typeof handler}`,
    );
  }
}

// The one setup of the isolate that `withObservability` shares (one provider bundle per isolate: every bundle costs memory and a setup).
let isolateObservability: { readonly observability: EdgeObservability<never>; readonly options: unknown } | undefined;

/**
 * Wraps an edge handler: a Workers module object (`{ fetch, scheduled, queue }`) or a plain fetch handler
 * (`(request) => Response`, `(request, context) => Response`) for Vercel Edge, Netlify Edge and Deno.serve.
 * Each request gets a SERVER span; console output becomes correlated log records; telemetry is flushed
 * through `waitUntil` after the response (and after the handler's own waitUntil work), or before returning
 * where the runtime has no waitUntil. Returns a new handler; yours is not modified. The options function
 * gets the `env` binding typed as your `fetch` declares it. One setup per isolate: a later call with other
 * options shares it, and says so once (use `createEdgeObservability` for a separate setup).
 *
 * @example
 * import { withObservability } from 'faas-observability/edge';
 * interface Env { OTLP_ENDPOINT: string }
 * export default withObservability({
 *   async fetch(request, env: Env, ctx) { console.log('hello', new URL(request.url).pathname); return new Response('ok'); },
 * }, (env) => ({ endpoint: env.OTLP_ENDPOINT }));
 */
// `EdgeHandlerObject` in the constraint gives an object literal's methods their parameter types; `object` keeps
// any other handler object (a Hono app, a class instance) accepted as the runtime accepts it.
export function withObservability<H extends AnyFunction | EdgeHandlerObject | object, E = EnvOf<H>>(
  handler: H,
  options?: EdgeOptionsInput<E>,
): H {
  assertEdgeHandler(handler);
  if (isolateObservability === undefined) {
    isolateObservability = { observability: createEdgeObservability(options) as EdgeObservability<never>, options };
  } else if (options !== undefined && options !== isolateObservability.options) {
    isolateObservability.observability.warnOnce(
      'second-options',
      'withObservability was called again with other options: the telemetry of the first call is shared and these options are ignored (use createEdgeObservability for a separate setup)',
    );
  }
  return isolateObservability.observability.wrap(handler);
}
