import type { Env } from '../core/config/env-readers.ts';
import { isObserved, type AnyHandler } from './handler-shapes.ts';
import { withObservability } from './lambda-observability.ts';
import { loadUserHandler } from './load-user-handler.ts';
import { startPostResponseFlush } from './post-response-flush.ts';

/** The variable the layer's wrapper script keeps the function's own handler setting in. */
export const ORIGINAL_HANDLER_VARIABLE = 'FAAS_OBSERVABILITY_HANDLER';

/**
 * The handler the layer's handler module exports: it registers the internal extension (before the runtime's
 * first /next, so the flush follows the response from the first invocation), loads the function's own handler
 * as the runtime would, and wraps it unless the function wrapped it itself (with this copy or its own bundled
 * one: wrapping again would make a second span). The wrapped handler keeps the original's arity and streaming
 * symbols, so the runtime decides as it would without the layer (callback-style or not, streaming or not).
 *
 * @example
 * export const handler = await layerHandler(process.env, process.argv[1]);
 */
export async function layerHandler(env: Env, runtimeEntry: string | undefined): Promise<AnyHandler> {
  const name = env[ORIGINAL_HANDLER_VARIABLE];
  if (!name) {
    throw new Error(
      `${ORIGINAL_HANDLER_VARIABLE} is not set: run this handler through the layer's wrapper (AWS_LAMBDA_EXEC_WRAPPER=/opt/faas-observability-wrapper)`,
    );
  }
  await startPostResponseFlush(env);
  const original = await loadUserHandler(env.LAMBDA_TASK_ROOT ?? process.cwd(), name, requireFromOf(runtimeEntry));
  if (isObserved(original)) return original;
  const observed = withObservability(original);
  // The runtime reads `length` to tell a callback-style handler (three parameters or more) from the others.
  return Object.defineProperty(observed, 'length', { value: original.length });
}

/**
 * The runtime resolves a CommonJS handler with a require made from its own entry file (`process.argv[1]`, as
 * the module system sees it: symbolic links resolved): resolving from that file keeps the "Require stack" of
 * a not-found message the same.
 */
function requireFromOf(runtimeEntry: string | undefined): string {
  const { isAbsolute } = process.getBuiltinModule('node:path');
  const { existsSync, realpathSync } = process.getBuiltinModule('node:fs');
  return runtimeEntry && isAbsolute(runtimeEntry) && existsSync(runtimeEntry) ? realpathSync(runtimeEntry) : import.meta.filename;
}
