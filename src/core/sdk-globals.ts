import { context, diag, propagation, trace, type ContextManager, type TextMapPropagator } from '@opentelemetry/api';
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

export interface Globals {
  readonly config: ResolvedConfig;
  readonly diagnostics: Diagnostics;
  readonly report: DeliveryReport;
  readonly contextManager: ContextManager;
  readonly tracerProvider: TracerProvider;
  readonly propagator: TextMapPropagator;
}

/** Registers the setup with the OpenTelemetry API, so user code's `trace.getTracer()` nests under the invocation. */
export function registerGlobals({ config, diagnostics, report, contextManager, tracerProvider, propagator }: Globals): void {
  diag.setLogger(diagnostics, { logLevel: config.logLevel, suppressOverrideMessage: true });
  // Errors the SDK reports join the per-invocation report instead of a line each.
  setGlobalErrorHandler((error) => report.note(errorText(error)));
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(tracerProvider);
  propagation.setGlobalPropagator(propagator);
}

export function unregisterGlobals(): void {
  setGlobalErrorHandler(loggingErrorHandler());
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
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
