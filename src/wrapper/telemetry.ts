import {
  context, diag, propagation, trace,
  type Attributes, type ContextManager, type Logger, type TextMapPropagator, type Tracer,
} from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler,
  TracerProvider, type Sampler, type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { createOtlpLogExporter, createOtlpSpanExporter } from '../exporters/otlp.ts';
import type { Transport } from '../exporters/transport.ts';
import type { ResolvedConfig } from './config.ts';
import { createDiagnostics, type Diagnostics } from './diagnostics.ts';
import { flushWithin, type FlushSummary } from './flush.ts';
import type { ObservabilityOptions } from './options.ts';

export const INSTRUMENTATION_SCOPE = 'faas-observability';

/** The one provider bundle of a cold start. Everything per invocation lives elsewhere. */
export interface Telemetry {
  readonly config: ResolvedConfig;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly propagator: TextMapPropagator;
  readonly diagnostics: Diagnostics;
  /** Flushes spans and logs in parallel within `boundMs`; never rejects. */
  flush(boundMs: number): Promise<FlushSummary>;
  shutdown(): Promise<void>;
}

export interface TelemetryInputs {
  readonly config: ResolvedConfig;
  readonly options: ObservabilityOptions;
  /** Resource attributes detected for the runtime (Lambda env, edge platform). */
  readonly detectedResource: Attributes;
  /** The runtime's context manager (AsyncLocalStorage where available). */
  readonly contextManager: ContextManager;
  /** How the OTLP exporters send requests; `fetch` when absent. */
  readonly transport?: Transport;
}

/**
 * Builds the tracer and logger providers with batch processors and OTLP exporters, and registers them
 * with the OpenTelemetry API when `config.registerGlobals` (so `trace.getTracer()` in user code nests
 * under the invocation span).
 *
 * @example
 * const telemetry = createTelemetry({ config, options, detectedResource, contextManager });
 */
export function createTelemetry({ config, options, detectedResource, contextManager, transport }: TelemetryInputs): Telemetry {
  const diagnostics = createDiagnostics(config.logLevel);
  for (const warning of config.warnings) diagnostics.warn(warning);

  const resource = resourceFromAttributes({
    ...detectedResource,
    ...config.resourceAttributes,
    ...(config.serviceName ? { 'service.name': config.serviceName } : {}),
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.distro.name': INSTRUMENTATION_SCOPE,
  });
  const spanExporter: SpanExporter = options.spanExporter ?? createOtlpSpanExporter({ ...config.traces, transport });
  const logExporter: LogRecordExporter = options.logExporter ?? createOtlpLogExporter({ ...config.logs, transport });
  const spanProcessor = new BatchSpanProcessor(batchOptions(spanExporter, config.spanBatch));
  const logProcessor = new BatchLogRecordProcessor(batchOptions(logExporter, config.logBatch));
  const tracerProvider = new TracerProvider({
    resource,
    sampler: options.sampler ?? samplerFor(config.sampler),
    spanProcessors: [spanProcessor],
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [logProcessor] });
  const propagator = new CompositePropagator({ propagators: propagatorsFor(config) });

  if (config.registerGlobals) {
    diag.setLogger(diagnostics, { logLevel: config.logLevel, suppressOverrideMessage: true });
    context.setGlobalContextManager(contextManager.enable());
    trace.setGlobalTracerProvider(tracerProvider);
    propagation.setGlobalPropagator(propagator);
  }

  return {
    config,
    tracer: tracerProvider.getTracer(INSTRUMENTATION_SCOPE),
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE),
    propagator,
    diagnostics,
    // The processors are flushed directly: the providers' forceFlush only adds a timer per processor, and
    // flushWithin bounds the whole flush already. Then the exporters' in-flight requests are awaited.
    flush: (boundMs) => flushWithin([[spanProcessor, spanExporter], [logProcessor, logExporter]], boundMs),
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
      if (config.registerGlobals) {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      }
    },
  };
}

function batchOptions<E>(exporter: E, batch: ResolvedConfig['spanBatch']) {
  return {
    exporter,
    maxQueueSize: batch.maxQueueSize,
    maxExportBatchSize: batch.maxExportBatchSize,
    scheduledDelayMillis: batch.scheduledDelayMs,
    exportTimeoutMillis: batch.exportTimeoutMs,
  };
}

function samplerFor({ name, ratio }: ResolvedConfig['sampler']): Sampler {
  switch (name) {
    case 'always_on': return new AlwaysOnSampler();
    case 'always_off': return new AlwaysOffSampler();
    case 'traceidratio': return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off': return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio': return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default: return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function propagatorsFor(config: ResolvedConfig): TextMapPropagator[] {
  const propagators: TextMapPropagator[] = [];
  if (config.propagators.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (config.propagators.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  return propagators;
}
