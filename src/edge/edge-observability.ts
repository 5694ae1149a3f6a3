import { StackContextManager } from '@opentelemetry/sdk-trace';
import type { Attributes } from '@opentelemetry/api';
import { resolveConfig } from '../core/config/resolve-config.ts';
import { bridgeConsole, startInitLogCapture, type InitLogCapture } from '../console/init-log-capture.ts';
import { runInvocation } from '../core/invocation.ts';
import type { ObservabilityOptions } from '../core/config/options.ts';
import { AlsContextManager } from './als-context-manager.ts';
import { detectRuntime, edgeEnv, edgeResourceAttributes, loadAsyncLocalStorage } from './detect-runtime.ts';
import { hasWaitUntil, type WaitUntilContext } from '../triggers/edge/edge-types.ts';
import { createTelemetry, type Telemetry } from '../core/telemetry.ts';
import { edgeFetch } from '../triggers/edge/fetch.ts';
import { edgeQueue } from '../triggers/edge/queue.ts';
import { edgeScheduled } from '../triggers/edge/scheduled.ts';
import type { TriggerAdapter } from '../core/trigger.ts';
import { trackWaitUntil } from './wait-until.ts';
import { DEFAULTS } from '../core/config/resolve-config.ts';

/** Edge options: the common ones, plus the route template of a request when your router knows it. */
export interface EdgeObservabilityOptions extends ObservabilityOptions {
  readonly route?: (request: Request) => string | undefined;
}
/** Options, or a function of the Worker's `env` binding (secrets and OTEL_* values arrive there). */
export type EdgeOptionsInput = EdgeObservabilityOptions | ((env: unknown) => EdgeObservabilityOptions);

// Handlers are user functions of any shape; `unknown` parameters would reject typed handlers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyFunction = (...args: any[]) => any;

interface Setup {
  readonly telemetry: Telemetry | undefined;
  readonly options: EdgeObservabilityOptions;
  /** Whether the process keeps running after a response (Deno, Node), so a background flush completes. */
  readonly keepsRunning: boolean;
}

// The flush runs after the response (waitUntil allows tens of seconds), so a slow collector can be waited
// for; an isolate's 128 MB serve many requests at once, so it holds less telemetry than a Lambda process.
const EDGE_DEFAULTS = { exportTimeoutMs: 3000, flushBudgetMs: 10_000, maxBufferBytes: 8 * 1024 * 1024 } as const;

// One provider bundle per isolate, created on the first request (when `env` is known).
let isolateSetup: Promise<Setup> | undefined;
let coldStartPending = true;
// Console calls made while the module initialises are kept for the first request's flush.
let initCapture: InitLogCapture | undefined;

function setupFor(input: EdgeOptionsInput | undefined, binding: unknown): Promise<Setup> {
  isolateSetup ??= (async () => {
    let options: EdgeObservabilityOptions = {};
    let optionsError: unknown;
    try {
      options = (typeof input === 'function' ? input(binding) : input) ?? {};
    } catch (error) {
      optionsError = error; // a broken options function must not take the handler down with it
    }
    const env = edgeEnv(binding);
    const config = resolveConfig(options, env, EDGE_DEFAULTS);
    if (config.disabled) {
      initCapture?.bridge.uninstall();
      return { telemetry: undefined, options, keepsRunning: false };
    }
    const runtime = detectRuntime();
    const Storage = await loadAsyncLocalStorage();
    const telemetry = createTelemetry({
      config,
      options,
      detectedResource: { 'service.name': 'unknown_service:edge', ...edgeResourceAttributes(runtime, env) },
      contextManager: Storage ? new AlsContextManager(Storage) : new StackContextManager(),
    });
    if (optionsError !== undefined) {
      telemetry.diagnostics.warn('the options function threw; using the environment and the defaults instead', optionsError);
    }
    if (!Storage) {
      telemetry.diagnostics.warn(
        'no AsyncLocalStorage in this runtime: logs after an await may lose their trace, and concurrent requests may mix (workerd: enable nodejs_compat)',
      );
    }
    bridgeConsole(telemetry, initCapture);
    initCapture = undefined;
    return { telemetry, options, keepsRunning: runtime === 'deno' || runtime === 'node' };
  })();
  return isolateSetup;
}

/** Runs one invocation; flushes through waitUntil after the user's own work, or before returning without one. */
function observe(
  { telemetry, keepsRunning }: Setup,
  trigger: TriggerAdapter,
  event: unknown,
  runtimeContext: unknown,
  run: (context: unknown) => unknown,
  attributes: Attributes = {},
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
  const coldStart = coldStartPending;
  coldStartPending = false;
  return runInvocation({
    telemetry,
    trigger,
    event,
    functionName: telemetry.config.serviceName ?? 'edge-function',
    attributes: { 'faas.coldstart': coldStart, ...attributes },
    run: () => run(tracker?.context ?? runtimeContext),
    deferFlush,
  });
}

/** The user's route template for a request; a route function that throws only costs the span its route. */
function routeOf(options: EdgeObservabilityOptions, request: Request): string | undefined {
  try {
    return options.route?.(request);
  } catch {
    return undefined;
  }
}

/** The request id a platform gives a request, when it gives one. */
function requestIdOf(request: Request): Attributes {
  const id = request.headers.get('cf-ray') ?? request.headers.get('x-vercel-id') ?? request.headers.get('x-nf-request-id');
  return id ? { 'faas.invocation_id': id } : {};
}

function wrapFetch(input: EdgeOptionsInput | undefined, fetch: AnyFunction, thisArg: unknown, withEnv: boolean) {
  return async function observedFetch(request: Request, second?: unknown, third?: unknown): Promise<Response> {
    // Workers: (request, env, ctx). Vercel/Netlify: (request, context). Deno.serve: (request, info).
    const [binding, runtimeContext] = withEnv ? [second, third] : [undefined, second];
    const setup = await setupFor(input, binding);
    return observe(
      setup,
      edgeFetch,
      { request, route: routeOf(setup.options, request) },
      runtimeContext,
      (context) => (withEnv ? fetch.call(thisArg, request, binding, context) : fetch.call(thisArg, request, context)),
      requestIdOf(request),
    ) as Promise<Response>;
  };
}

function wrapBatch(input: EdgeOptionsInput | undefined, method: AnyFunction, thisArg: unknown, trigger: TriggerAdapter) {
  return async function observedEvent(event: unknown, binding: unknown, runtimeContext: WaitUntilContext): Promise<unknown> {
    return observe(await setupFor(input, binding), trigger, event, runtimeContext, (context) =>
      method.call(thisArg, event, binding, context),
    );
  };
}

/**
 * Wraps an edge handler: a Workers module object (`{ fetch, scheduled, queue }`) or a plain fetch handler
 * (`(request) => Response`, `(request, context) => Response`) for Vercel Edge, Netlify Edge and Deno.serve.
 * Each request gets a SERVER span; console output becomes correlated log records; telemetry is flushed
 * through `waitUntil` after the response (and after the handler's own waitUntil work), or before returning
 * where the runtime has no waitUntil. Returns a new handler; yours is not modified.
 *
 * @example
 * import { withObservability } from 'faas-observability/edge';
 * export default withObservability({
 *   async fetch(request, env, ctx) { console.log('hello'); return new Response('ok'); },
 * }, (env) => ({ endpoint: env.OTLP_ENDPOINT, headers: { authorization: env.OTLP_TOKEN } }));
 */
export function withObservability<H extends AnyFunction | object>(handler: H, options?: EdgeOptionsInput): H {
  if (typeof handler !== 'function' && (typeof handler !== 'object' || handler === null)) {
    throw new TypeError(
      `withObservability expects a fetch handler or a Workers handler object, got ${handler === null ? 'null' : typeof handler}`,
    );
  }
  initCapture ??= isolateSetup ? undefined : startInitLogCapture(DEFAULTS.consoleFormat, DEFAULTS.maxLogBodyLength);
  if (typeof handler === 'function') return wrapFetch(options, handler as unknown as AnyFunction, undefined, false) as unknown as H;
  const wrapped: Record<string, unknown> = { ...handler };
  const methods = handler as Record<string, unknown>;
  if (typeof methods.fetch === 'function') wrapped.fetch = wrapFetch(options, methods.fetch as AnyFunction, handler, true);
  if (typeof methods.scheduled === 'function')
    wrapped.scheduled = wrapBatch(options, methods.scheduled as AnyFunction, handler, edgeScheduled);
  if (typeof methods.queue === 'function') wrapped.queue = wrapBatch(options, methods.queue as AnyFunction, handler, edgeQueue);
  return wrapped as H;
}
