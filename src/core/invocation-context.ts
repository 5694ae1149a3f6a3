import { createContextKey, type Context } from '@opentelemetry/api';
import { activeContext, attachedOr } from './process-owner.ts';

/** The invocation id, carried in the OpenTelemetry context so each log record can say which invocation wrote it. */
const INVOCATION_ID = createContextKey('faas-observability.invocation_id');
/** The setup whose invocation runs: what is process-wide (console, fetch, channels, API) serves it. */
const SETUP = createContextKey('faas-observability.setup');

export function withInvocationId(context: Context, id: string | undefined): Context {
  return id === undefined ? context : context.setValue(INVOCATION_ID, id);
}

export function invocationIdOf(context: Context): string | undefined {
  const id = context.getValue(INVOCATION_ID);
  return typeof id === 'string' ? id : undefined;
}

export function withSetup(context: Context, setup: object): Context {
  return context.setValue(SETUP, setup);
}

/**
 * The setup whose invocation runs in `context` (the process's active one by default); outside any
 * invocation, or when that setup has shut down, the first setup attached.
 */
export function setupOf<S extends object>(context: Context = activeContext()): S | undefined {
  return attachedOr(context.getValue(SETUP) as S | undefined);
}
