import { context, propagation, trace, type Context, type ContextManager, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { setupOf } from './invocation-context.ts';
import { activeContext } from './process-owner.ts';
import type { Telemetry } from './telemetry.ts';
import type { OutboundTracer } from './outbound/outbound-tracer.ts';

/** What instrumentation called from user code (a record's span, an SDK call) starts its spans with. */
export interface Ambient {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  readonly active: Context;
  readonly run: Pick<ContextManager, 'with'>;
}

/**
 * The tracer, propagator and context of the setup whose invocation runs (outside any invocation: the first
 * setup attached), read without the API globals; the API's own where no setup exists (a script that uses
 * `forEachRecord` or `observeAwsClient` without the wrapper, with a provider of its own registered).
 *
 * @example
 * const { tracer, active, run } = ambient('faas-observability');
 * const span = tracer.startSpan('process', {}, active);
 */
export function ambient(scope: string): Ambient {
  const setup = setupOf<Telemetry>();
  if (!setup) return { tracer: trace.getTracer(scope), propagator: propagation, active: context.active(), run: context };
  return { tracer: setup.tracer, propagator: setup.propagator, active: activeContext(), run: setup.contextManager };
}

/**
 * The outbound tracer the process-wide instrumentation (diagnostics channels, the global `fetch`) serves a
 * request with: that of the setup whose invocation made it.
 *
 * @example
 * installGlobalFetch(routedOutbound);
 */
export const routedOutbound: OutboundTracer = {
  start: (request) => setupOf<Telemetry>()?.outbound?.start(request),
};
