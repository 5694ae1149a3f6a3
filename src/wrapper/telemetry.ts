import {
  context,
  diag,
  propagation,
  trace,
  type Attributes,
  type ContextManager,
  type Logger,
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
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { CircuitBreaker } from '../exporters/circuit-breaker.ts';
import { DeliveryReport } from '../exporters/delivery-report.ts';
import { FailoverLogExporter, GuardedSpanExporter } from '../exporters/failover.ts';
import { LokiPushExporter } from '../exporters/loki-push.ts';
import { createOtlpLogExporter, createOtlpSpanExporter } from '../exporters/otlp.ts';
import type { LineWriter } from '../exporters/stdout-records.ts';
import { originOf, type Transport } from '../exporters/transport.ts';
import { snapshotConsole } from './console-originals.ts';
import { LogFlushWatermark } from './log-flush-watermark.ts';
import { RecordUidProcessor } from './record-uid-processor.ts';
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
  /** Flushes spans and logs in parallel within `boundMs`; never rejects. Logs still in flight at the bound go to stdout. */
  flush(boundMs: number): Promise<FlushSummary>;
  /** What took a fallback path or was lost since the last call, for one diagnostic line per invocation. */
  takeDeliveryReport(): ReturnType<DeliveryReport['take']>;
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
  /** Where undeliverable log records are written as JSON lines; the console as it was, when absent. */
  readonly lineWriter?: LineWriter;
}

/**
 * Builds the tracer and logger providers with batch processors and OTLP exporters, and registers them
 * with the OpenTelemetry API when `config.registerGlobals` (so `trace.getTracer()` in user code nests
 * under the invocation span).
 *
 * @example
 * const telemetry = createTelemetry({ config, options, detectedResource, contextManager });
 */
export function createTelemetry({ config, options, detectedResource, contextManager, transport, lineWriter }: TelemetryInputs): Telemetry {
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
  const report = new DeliveryReport();
  const breakerFor = circuitBreakers(config.circuitBackoffMs);
  const spanExporter: SpanExporter =
    options.spanExporter ??
    new GuardedSpanExporter(
      { exporter: createOtlpSpanExporter({ ...config.traces, transport }), breaker: breakerFor(config.traces.url) },
      report,
    );
  const failover = options.logExporter
    ? undefined
    : new FailoverLogExporter({
        primary: { exporter: createOtlpLogExporter({ ...config.logs, transport }), breaker: breakerFor(config.logs.url) },
        fallback: config.loki && {
          exporter: new LokiPushExporter({ ...config.loki, transport, basicAuth: basicAuthOf(config.loki) }),
          breaker: breakerFor(config.loki.url),
        },
        lastResort: config.stdoutFallback ? (lineWriter ?? consoleLineWriter()) : undefined,
        report,
      });
  const logExporter: LogRecordExporter = options.logExporter ?? failover!;
  const watermark = new LogFlushWatermark();
  const spanProcessor = new BatchSpanProcessor(batchOptions(spanExporter, config.spanBatch));
  const logProcessor = new BatchLogRecordProcessor(batchOptions(watermark.wrap(logExporter), config.logBatch));
  const tracerProvider = new TracerProvider({
    resource,
    sampler: options.sampler ?? samplerFor(config.sampler),
    spanProcessors: [spanProcessor],
  });
  const loggerProvider = new LoggerProvider({ resource, processors: [new RecordUidProcessor(), watermark.counter, logProcessor] });
  const propagator = new CompositePropagator({ propagators: propagatorsFor(config) });

  if (config.registerGlobals) {
    diag.setLogger(diagnostics, { logLevel: config.logLevel, suppressOverrideMessage: true });
    // Export errors from the batch timers join the per-invocation report instead of a line each.
    setGlobalErrorHandler((error) => report.note(errorText(error)));
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
    async flush(boundMs) {
      const summary = await flushWithin(
        [
          [spanProcessor, spanExporter],
          [watermark.flusher(logProcessor), logExporter],
        ],
        boundMs,
      );
      // Out of time: what is still on its way is written to stdout now, before the freeze can take it.
      if (summary.timedOut) failover?.spill();
      return summary;
    },
    takeDeliveryReport: () => report.take(),
    async shutdown() {
      await Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]);
      if (config.registerGlobals) {
        setGlobalErrorHandler(loggingErrorHandler());
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

function propagatorsFor(config: ResolvedConfig): TextMapPropagator[] {
  const propagators: TextMapPropagator[] = [];
  if (config.propagators.includes('tracecontext')) propagators.push(new W3CTraceContextPropagator());
  if (config.propagators.includes('baggage')) propagators.push(new W3CBaggagePropagator());
  return propagators;
}

/** One breaker per endpoint origin: traces and logs to the same collector share what they learn. */
function circuitBreakers(initialBackoffMs: number): (url: string) => CircuitBreaker {
  const breakers = new Map<string, CircuitBreaker>();
  return (url) => {
    const origin = originOf(url);
    let breaker = breakers.get(origin);
    if (!breaker) breakers.set(origin, (breaker = new CircuitBreaker({ initialBackoffMs })));
    return breaker;
  };
}

function basicAuthOf(loki: NonNullable<ResolvedConfig['loki']>): { username: string; password: string } | undefined {
  return loki.username !== undefined ? { username: loki.username, password: loki.password ?? '' } : undefined;
}

function consoleLineWriter(): LineWriter {
  const { log } = snapshotConsole();
  return (line) => log(line);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return typeof error === 'string' ? error : JSON.stringify(error);
  } catch {
    return 'unprintable error';
  }
}
