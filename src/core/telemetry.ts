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
  ExportResultCode,
  type ExportResult,
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
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import { LoggerProvider, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { CircuitBreaker } from '../exporters/transport/circuit-breaker.ts';
import { DeliveryReport, type DeliverySnapshot, type Signal } from '../exporters/delivery-report.ts';
import { ExportQueue } from '../exporters/export-queue.ts';
import { describeFailure } from '../exporters/export-failure.ts';
import { FailoverLogExporter, FailoverSpanExporter } from '../exporters/failover.ts';
import { LokiPushExporter } from '../exporters/loki/loki-push.ts';
import { MemoryBudget } from '../exporters/memory-budget.ts';
import { createOtlpLogExporter, createOtlpSpanExporter } from '../exporters/otlp/otlp-exporter.ts';
import { writeRecordsAsJsonLines, writeSpansAsJsonLines, type LineWriter } from '../exporters/stdout-records.ts';
import { originOf, type Transport } from '../exporters/transport/transport.ts';
import { snapshotConsole } from './console-originals.ts';
import { RecordUidProcessor } from './record-uid-processor.ts';
import type { BatchConfig, ResolvedConfig } from './config/resolve-config.ts';
import { createDiagnostics, type Diagnostics } from './diagnostics.ts';
import { flushWithin, type FlushSummary } from './flush.ts';
import type { ObservabilityOptions } from './config/options.ts';
import { QueueLogRecordProcessor, QueueSpanProcessor, logRecordSize, spanSize } from './queue-processors.ts';

// Export requests per signal in flight at once: a burst of thousands of records leaves in a few round
// trips instead of one after another, without opening a connection per batch.
const MAX_CONCURRENT_EXPORTS = 4;

export const INSTRUMENTATION_SCOPE = 'faas-observability';

/** The one provider bundle of a cold start. Everything per invocation lives elsewhere. */
export interface Telemetry {
  readonly config: ResolvedConfig;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly propagator: TextMapPropagator;
  readonly diagnostics: Diagnostics;
  /** Flushes spans and logs in parallel within `boundMs`; never rejects. What is not delivered at the bound goes to stdout. */
  flush(boundMs: number): Promise<FlushSummary>;
  /** What took a fallback path or was lost since the last call, for one diagnostic line per invocation. */
  takeDeliveryReport(): DeliverySnapshot | undefined;
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
 * Builds the tracer and logger providers with queue processors that never drop (parallel batches under a
 * memory cap) and the failover exporters (OTLP → Loki → stdout), and registers them with the OpenTelemetry
 * API when `config.registerGlobals` (so `trace.getTracer()` in user code nests under the invocation span).
 *
 * @example
 * const telemetry = createTelemetry({ config, options, detectedResource, contextManager });
 */
export function createTelemetry(inputs: TelemetryInputs): Telemetry {
  const { config, options, detectedResource, contextManager } = inputs;
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
  const pipelines = createPipelines(inputs, report);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: options.sampler ?? samplerFor(config.sampler),
    spanProcessors: [new QueueSpanProcessor(pipelines.spans.queue, pipelines.spans.exporter)],
  });
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [new RecordUidProcessor(), new QueueLogRecordProcessor(pipelines.logs.queue, pipelines.logs.exporter)],
  });
  const propagator = new CompositePropagator({ propagators: propagatorsFor(config) });
  if (config.registerGlobals) registerGlobals({ config, diagnostics, report, contextManager, tracerProvider, propagator });
  const flush = async (boundMs: number): Promise<FlushSummary> => {
    const both = [pipelines.spans, pipelines.logs];
    const summary = await flushWithin(
      both.map(({ queue, exporter }) => [{ forceFlush: () => queue.flush() }, exporter]),
      boundMs,
    );
    // Out of time: what is still queued or on its way is written to stdout now, before the freeze takes it.
    if (summary.timedOut) for (const pipeline of both) pipeline.spill();
    return summary;
  };

  return {
    config,
    tracer: tracerProvider.getTracer(INSTRUMENTATION_SCOPE),
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE),
    propagator,
    diagnostics,
    flush,
    takeDeliveryReport: () => report.take(),
    async shutdown() {
      const flushed = await flush(config.flushBudgetMs);
      // The providers' shutdown waits for the exporters: bounded by what the budget has left.
      const providers = { forceFlush: () => Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]).then(() => {}) };
      await flushWithin([[providers]], config.flushBudgetMs - flushed.durationMs);
      if (config.registerGlobals) unregisterGlobals();
    },
  };
}

interface Pipeline<T> {
  readonly queue: ExportQueue<T>;
  readonly exporter: { forceFlush?(): Promise<void>; shutdown(): Promise<void> };
  /** Hands what is queued or in flight to stdout (a flush out of time). */
  spill(): void;
}

interface PipelineParts<T> {
  readonly signal: Signal;
  readonly exporter: {
    export(items: T[], done: (result: ExportResult) => void): void;
    forceFlush?(): Promise<void>;
    shutdown(): Promise<void>;
  };
  /** The failover chain, when the exporter is ours (not one passed in the options). */
  readonly failover: { spill(): void } | undefined;
  readonly batch: BatchConfig;
  readonly sizeOf: (item: T) => number;
  readonly writeLines: (items: readonly T[], write: LineWriter) => void;
}

/**
 * One queue and exporter chain per signal, sharing one memory cap and one report. The last resort writes
 * through `lineWriter`, or beneath the console bridge, so it is never captured again.
 */
function createPipelines(inputs: TelemetryInputs, report: DeliveryReport) {
  const { config, options, transport } = inputs;
  const lastResort = config.stdoutFallback ? (inputs.lineWriter ?? consoleLineWriter()) : undefined;
  const budget = new MemoryBudget(config.maxBufferBytes);
  const breakerFor = circuitBreakers(config.circuitBackoffMs);
  const spanFailover = options.spanExporter
    ? undefined
    : new FailoverSpanExporter({
        primary: { exporter: createOtlpSpanExporter({ ...config.traces, transport }), breaker: breakerFor(config.traces.url) },
        lastResort,
        report,
      });
  const logFailover = options.logExporter
    ? undefined
    : new FailoverLogExporter({
        primary: { exporter: createOtlpLogExporter({ ...config.logs, transport }), breaker: breakerFor(config.logs.url) },
        fallback: config.loki && {
          exporter: new LokiPushExporter({ ...config.loki, transport, basicAuth: basicAuthOf(config.loki) }),
          breaker: breakerFor(config.loki.url),
        },
        lastResort,
        report,
      });
  const pipeline = <T>(parts: PipelineParts<T>): Pipeline<T> => {
    const queue = new ExportQueue<T>({
      exporter: parts.exporter,
      maxBatchSize: parts.batch.maxExportBatchSize,
      maxQueueSize: parts.batch.maxQueueSize,
      maxConcurrentExports: MAX_CONCURRENT_EXPORTS,
      scheduledDelayMs: parts.batch.scheduledDelayMs,
      budget,
      sizeOf: parts.sizeOf,
      overflow: (items, reason) => {
        if (!lastResort) return report.add(parts.signal, 'lost', items.length);
        report.add(parts.signal, reason === 'overCap' ? 'overCap' : 'stdout', items.length);
        parts.writeLines(items, lastResort);
      },
      // Our failover chain counts its own outcomes; an exporter from the options only answers with a result.
      onResult: (items, result) => {
        if (parts.failover || result.code === ExportResultCode.SUCCESS) return;
        report.add(parts.signal, 'lost', items.length);
        report.note(`${parts.signal}: ${describeFailure(result)}`);
      },
    });
    return {
      queue,
      exporter: parts.exporter,
      spill() {
        queue.spill();
        parts.failover?.spill();
      },
    };
  };
  return {
    spans: pipeline<ReadableSpan>({
      signal: 'spans',
      exporter: options.spanExporter ?? spanFailover!,
      failover: spanFailover,
      batch: config.spanBatch,
      sizeOf: spanSize,
      writeLines: writeSpansAsJsonLines,
    }),
    logs: pipeline<ReadableLogRecord>({
      signal: 'logs',
      exporter: options.logExporter ?? logFailover!,
      failover: logFailover,
      batch: config.logBatch,
      sizeOf: logRecordSize,
      writeLines: writeRecordsAsJsonLines,
    }),
  };
}

interface Globals {
  readonly config: ResolvedConfig;
  readonly diagnostics: Diagnostics;
  readonly report: DeliveryReport;
  readonly contextManager: ContextManager;
  readonly tracerProvider: TracerProvider;
  readonly propagator: TextMapPropagator;
}

function registerGlobals({ config, diagnostics, report, contextManager, tracerProvider, propagator }: Globals): void {
  diag.setLogger(diagnostics, { logLevel: config.logLevel, suppressOverrideMessage: true });
  // Errors the SDK reports join the per-invocation report instead of a line each.
  setGlobalErrorHandler((error) => report.note(errorText(error)));
  context.setGlobalContextManager(contextManager.enable());
  trace.setGlobalTracerProvider(tracerProvider);
  propagation.setGlobalPropagator(propagator);
}

function unregisterGlobals(): void {
  setGlobalErrorHandler(loggingErrorHandler());
  trace.disable();
  propagation.disable();
  context.disable();
  diag.disable();
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
