import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

// What is process-wide (per process on Lambda, per isolate on the edge) is held here, and only here: the
// setups attached in order, one context manager, and the hooks (console methods, the API registration,
// the global fetch, diagnostics-channel subscriptions) by the setups that need them. A hook reads the
// setup it serves from the active context at each call, so one install serves every setup.

type Uninstall = () => void;

interface Hook {
  readonly uninstall: Uninstall;
  readonly holders: Set<object>;
}

const attached: object[] = [];
const hooks = new Map<string, Hook>();
let contextManager: ContextManager | undefined;
// Shared with every other copy of the library in the process (the Lambda layer's beside a bundled one): the
// console bridge is shared across copies too, and the copy whose bridge code runs must see the context of
// the copy whose invocation runs. The context keys are `Symbol.for` keys (`createContextKey`), shared already.
const SHARED_CONTEXT_MANAGER = Symbol.for('faas-observability.context-manager');
type Shared = { [SHARED_CONTEXT_MANAGER]?: ContextManager };

/**
 * The context manager of the process, created by the first caller: every setup runs its invocations in it,
 * so the setup that an invocation belongs to (and its span) is known wherever the invocation's code runs.
 *
 * @example
 * const contextManager = processContextManager(() => new AsyncLocalStorageContextManager());
 */
export function processContextManager(create: () => ContextManager): ContextManager {
  return (contextManager ??= (globalThis as Shared)[SHARED_CONTEXT_MANAGER] ??= create().enable());
}

/** The active context of the process's context manager; the root context before any setup exists. */
export function activeContext(): Context {
  return (contextManager ?? (globalThis as Shared)[SHARED_CONTEXT_MANAGER])?.active() ?? ROOT_CONTEXT;
}

/** Adds a setup; the first one attached is the one that serves calls made outside any invocation. */
export function attachSetup(setup: object): void {
  if (!attached.includes(setup)) attached.push(setup);
}

/** Removes a setup and lets go of the hooks it held; a hook whose last holder goes is uninstalled. */
export function detachSetup(setup: object): void {
  const at = attached.indexOf(setup);
  if (at >= 0) attached.splice(at, 1);
  releaseHooks(setup);
}

/** `candidate` when it is attached, else the first setup attached (outside an invocation, or its setup is gone). */
export function attachedOr<S extends object>(candidate: S | undefined): S | undefined {
  return candidate !== undefined && attached.includes(candidate) ? candidate : (attached[0] as S | undefined);
}

/**
 * Installs the hook `name` unless it is installed, and counts `holder` among its holders.
 *
 * @example
 * holdHook('console', setup, () => installConsoleBridge(options).uninstall);
 */
export function holdHook(name: string, holder: object, install: () => Uninstall): void {
  let hook = hooks.get(name);
  if (!hook) hooks.set(name, (hook = { uninstall: install(), holders: new Set() }));
  hook.holders.add(holder);
}

/** `holder` lets go of every hook it holds; the hooks left without a holder are uninstalled. */
export function releaseHooks(holder: object): void {
  for (const [name, hook] of hooks) {
    if (!hook.holders.delete(holder) || hook.holders.size > 0) continue;
    hooks.delete(name);
    hook.uninstall();
  }
}
