import {
  ProxyTracerProvider,
  context,
  diag,
  propagation,
  trace,
  type ContextManager,
  type TextMapPropagator,
  type Tracer,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
  loggingErrorHandler,
  setGlobalErrorHandler,
} from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
  type TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { DeliveryReport } from '../exporters/delivery-report.ts';
import type { ResolvedConfig } from './config/resolved-config.ts';
import type { Diagnostics } from './diagnostics.ts';
import { setupOf } from './invocation-context.ts';
import { holdHook } from './process-owner.ts';

/** What a setup lends the OpenTelemetry API while the invocations that use it run. */
export interface Globals {
  readonly config: ResolvedConfig;
  readonly diagnostics: Diagnostics;
  readonly report: DeliveryReport;
  readonly tracerProvider: TracerProvider;
  readonly propagator: TextMapPropagator;
}

// The setups that registered, in order: the API serves the one whose invocation runs, else the first.
const registered = new Map<object, Globals>();

/**
 * Registers `setup` with the OpenTelemetry API, so user code's `trace.getTracer()` nests under the
 * invocation span. The API holds one of each global per process: the first registering setup installs the
 * process's context manager and a tracer provider and an error handler that serve the setup whose
 * invocation runs (else the first registered); the propagator and the diag logger are the first's (the
 * same text whichever setup writes it), kept until the last registered setup detaches and removes them.
 */
export function registerGlobals(setup: object, globals: Globals, contextManager: ContextManager): void {
  registered.set(setup, globals);
  holdHook('api', setup, () => {
    diag.setLogger(globals.diagnostics, { logLevel: globals.config.logLevel, suppressOverrideMessage: true });
    // Errors the SDK reports join the per-invocation report instead of a line each.
    setGlobalErrorHandler((error) => globalsNow()?.report.note(errorText(error)));
    context.setGlobalContextManager(undisabled(contextManager));
    trace.setGlobalTracerProvider({ getTracer: routedTracer });
    propagation.setGlobalPropagator(globals.propagator);
    return () => {
      setGlobalErrorHandler(loggingErrorHandler());
      trace.disable();
      propagation.disable();
      context.disable();
      diag.disable();
    };
  });
}

/** `setup` no longer serves the API (its detach releases the registration itself). */
export function forgetGlobals(setup: object): void {
  registered.delete(setup);
}

function globalsNow(): Globals | undefined {
  const setup = setupOf();
  return (setup && registered.get(setup)) ?? registered.values().next().value;
}

/**
 * The process's context manager as the API holds it: the API's `context.disable()` at the last registered
 * setup's detach must not exit the contexts of setups that run without the globals.
 */
function undisabled(contextManager: ContextManager): ContextManager {
  return {
    active: () => contextManager.active(),
    with: (...args) => contextManager.with(...args),
    bind: (...args) => contextManager.bind(...args),
    enable() {
      return this;
    },
    disable() {
      return this;
    },
  };
}

/** A tracer that starts each span with the tracer of the setup serving the API at that moment. */
function routedTracer(name: string, version?: string, options?: { schemaUrl?: string }): Tracer {
  // No setup left (a tracer kept past the last shutdown): the API's no-op tracer.
  const now = (): Tracer => (globalsNow()?.tracerProvider ?? new ProxyTracerProvider()).getTracer(name, version, options);
  return {
    startSpan: (spanName, spanOptions, ctx) => now().startSpan(spanName, spanOptions, ctx),
    startActiveSpan: ((...args: unknown[]) => {
      const tracer = now();
      return (tracer.startActiveSpan as (...a: unknown[]) => unknown).apply(tracer, args);
    }) as Tracer['startActiveSpan'],
  };
}

/** The sampler `OTEL_TRACES_SAMPLER` names. */
export function samplerFor({ name, ratio }: ResolvedConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** The W3C propagators `OTEL_PROPAGATORS` names (X-Ray is read by the lifecycle, opt-in). */
export function propagatorFor(config: ResolvedConfig): TextMapPropagator {
  return new CompositePropagator({ propagators: propagatorsFor(config) });
}

function propagatorsFor(config: ResolvedConfig): TextMapPropagator[] {
  const propagators: TextMapPropagator[] = [];
  if (config.propagators.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (config.propagators.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  return propagators;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return 'unprintable error';
  }
}
