import type { Attributes, ContextManager, Logger, TextMapPropagator, Tracer } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { DeliveryReport, type DeliverySnapshot } from '../exporters/delivery-report.ts';
import type { ResolvedConfig } from './config/resolved-config.ts';
import { createDiagnostics, type Diagnostics } from './diagnostics.ts';
import { flushWithin, type Flushable, type FlushSummary } from './flush.ts';
import { createPipelines, type PipelineInputs } from './pipelines.ts';
import { QueueLogRecordProcessor, QueueSpanProcessor } from './queue-processors.ts';
import { RecordUidProcessor } from './record-uid-processor.ts';
import { Redactor } from './redaction/redactor.ts';
import { RedactingLogRecordProcessor, RedactingSpanProcessor, redactMetricRecord } from './redaction/redaction-processors.ts';
import { forgetGlobals, propagatorFor, registerGlobals, samplerFor } from './sdk-globals.ts';
import { attachSetup, detachSetup, processContextManager } from './process-owner.ts';
import { createOutboundTracer, type OutboundTracer } from './outbound/outbound-tracer.ts';
import type { RuntimeMeasures } from './metrics/faas-metrics.ts';
import { createTelemetryMetrics, type TelemetryMetrics } from './metrics/telemetry-metrics.ts';
import { declineUserMeters } from './metrics/process-meters.ts';
import { InvocationHold } from './sampling/invocation-hold.ts';
import { TailSampler } from './sampling/tail-sampler.ts';
import type { Sampler } from '@opentelemetry/sdk-trace';
import type { Pipelines } from './pipelines.ts';
import { batchingOf, type Batching } from './delivery/batching-of.ts';

export const INSTRUMENTATION_SCOPE = 'faas-observability';

/** A setup's provider bundle (`withObservability` makes one per cold start). Everything per invocation lives elsewhere. */
export interface Telemetry {
  /**
   * The setup's resolved configuration (its shape is not part of the public API).
   * @internal
   */
  readonly config: ResolvedConfig;
  readonly tracer: Tracer;
  readonly logger: Logger;
  readonly propagator: TextMapPropagator;
  readonly diagnostics: Diagnostics;
  /**
   * The process's context manager, which the invocations of this setup run in: correlation never depends on
   * the OpenTelemetry API globals being registered.
   * @internal
   */
  readonly contextManager: ContextManager;
  /**
   * CLIENT spans for outgoing requests made in this setup's invocations; none when `outbound` is off.
   * @internal
   */
  readonly outbound: OutboundTracer | undefined;
  /**
   * The FaaS metrics and the collection of user meters; undefined when metrics are off.
   * @internal
   */
  readonly metrics: TelemetryMetrics | undefined;
  /**
   * A hold for one invocation's spans and records when tail sampling is on (undefined when off).
   * @internal
   */
  openHold(): InvocationHold | undefined;
  /**
   * Counts console calls that could not become a record, for the per-invocation diagnostic line.
   * @internal
   */
  countNotEmitted(count: number): void;
  /**
   * Gives log records their `log.record.uid`; the console bridge stamps its records with it.
   * @internal
   */
  readonly uids: RecordUidProcessor;
  /**
   * Redacts the line a console call prints, when the options ask for it (`redact.stdout`); undefined otherwise.
   * @internal
   */
  readonly redactLine: ((line: string) => string) | undefined;
  /**
   * With batched delivery (`delivery: 'batched'`, Lambda), decides at each invocation's end whether what is held
   * leaves now; undefined for per-invocation delivery.
   * @internal
   */
  readonly batching: Batching | undefined;
  /**
   * Writes the spans and log records still queued to stdout at once (the process is exiting without a flush);
   * requests in flight are left to finish or fail.
   * @internal
   */
  spillHeld(): void;
  /** Collects the metrics, then flushes spans, logs and metrics in parallel within `boundMs`; never rejects. What is not delivered at the bound goes to stdout. */
  flush(boundMs: number): Promise<FlushSummary>;
  /**
   * What took a fallback path or was lost since the last call, for one diagnostic line per invocation.
   * @internal
   */
  takeDeliveryReport(): DeliverySnapshot | undefined;
  shutdown(): Promise<void>;
}

export interface TelemetryInputs extends PipelineInputs {
  /** Resource attributes detected for the runtime (Lambda env, edge platform). */
  readonly detectedResource: Attributes;
  /**
   * The runtime's context manager (AsyncLocalStorage where available). One per process: the first setup's
   * becomes the process's, and every later setup shares it (`processContextManager`).
   */
  readonly contextManager: ContextManager;
  /** What only the runtime can measure for the FaaS metrics; nothing when absent. */
  readonly runtimeMeasures?: RuntimeMeasures;
}

/**
 * Builds the tracer and logger providers with queue processors that never drop (parallel batches under a
 * memory cap) and the failover exporters (OTLP → Loki → stdout), attaches the setup to the process's owner
 * (the first attached serves what happens outside any invocation) and, when `config.registerGlobals`,
 * lends it to the OpenTelemetry API for the invocations it runs (so `trace.getTracer()` in user code nests
 * under the invocation span). `shutdown` detaches it; the last setup to detach uninstalls what is process-wide.
 *
 * @example
 * const telemetry = createTelemetry({ config, detectedResource, contextManager });
 */
export function createTelemetry(inputs: TelemetryInputs): Telemetry {
  const { config, detectedResource } = inputs;
  const contextManager = processContextManager(() => inputs.contextManager);
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
  const pipelines = createPipelines({ ...inputs, contextManager }, report);
  // Each record is redacted once, before anything queues, holds or exports it: every path gets it redacted.
  const redactor = config.redaction && new Redactor(config.redaction);
  const tracerProvider = new TracerProvider({
    resource,
    sampler: tailSampled(config.provided.sampler ?? samplerFor(config.sampler), config),
    spanProcessors: [
      ...(redactor ? [new RedactingSpanProcessor(redactor)] : []),
      new QueueSpanProcessor(pipelines.spans.queue, pipelines.spans.exporter),
    ],
  });
  const uids = new RecordUidProcessor();
  const loggerProvider = new LoggerProvider({
    resource,
    processors: [
      uids,
      ...(redactor ? [new RedactingLogRecordProcessor(redactor)] : []),
      new QueueLogRecordProcessor(pipelines.logs.queue, pipelines.logs.exporter),
    ],
  });
  const propagator = propagatorFor(config);
  const tracer = tracerProvider.getTracer(INSTRUMENTATION_SCOPE);
  const setup = {};
  const metrics = config.metrics.enabled
    ? createTelemetryMetrics({
        setup,
        config: config.metrics,
        registerGlobals: config.registerGlobals,
        resource,
        queue: pipelines.metrics.queue,
        report,
        runtimeMeasures: inputs.runtimeMeasures ?? {},
        redact: redactor && ((record) => redactMetricRecord(record, redactor)),
      })
    : declineUserMeters();
  const all = metrics ? [pipelines.spans, pipelines.logs, pipelines.metrics] : [pipelines.spans, pipelines.logs];
  // Built once: the flush runs every invocation. The metrics are collected first, in the same flush.
  const stages: Flushable[][] = all.map(({ queue, exporter }) => [{ forceFlush: () => queue.flush() }, exporter]);
  if (metrics) stages[2]!.unshift({ forceFlush: () => metrics.collect() });
  const flush = (boundMs: number): Promise<FlushSummary> =>
    flushWithin(stages, boundMs).then((summary) => {
      // Out of time: what is still queued or on its way is written to stdout now, before the freeze takes it.
      if (summary.timedOut) for (const pipeline of all) pipeline.spill();
      return summary;
    });

  const telemetry: Telemetry = {
    config,
    tracer,
    logger: loggerProvider.getLogger(INSTRUMENTATION_SCOPE),
    propagator,
    diagnostics,
    contextManager,
    outbound: config.outbound.enabled
      ? createOutboundTracer({
          tracer,
          propagator,
          diagnostics,
          lists: config.outbound,
          requestEnded: metrics && ((s, a) => metrics.faas.clientRequest(s, a)),
        })
      : undefined,
    metrics,
    openHold: holdOpener(config, pipelines),
    countNotEmitted: (count) => report.add('logs', 'lost', count),
    uids,
    redactLine: redactor?.stdout ? (line) => redactor.text(line) : undefined,
    batching: inputs.batchingActive && batchingOf(config, pipelines),
    spillHeld() {
      pipelines.spans.queue.spill();
      pipelines.logs.queue.spill();
    },
    flush,
    takeDeliveryReport: () => report.take(),
    async shutdown() {
      // Detached first: from now on the console, the channels and the API serve the other setups only.
      detachSetup(telemetry);
      forgetGlobals(telemetry);
      metrics?.release();
      const flushed = await flush(config.flushBudgetMs);
      // The providers' shutdown waits for the exporters: bounded by what the budget has left.
      const providers = { forceFlush: () => Promise.allSettled([tracerProvider.shutdown(), loggerProvider.shutdown()]).then(() => {}) };
      await flushWithin([[providers]], config.flushBudgetMs - flushed.durationMs);
    },
  };
  attachSetup(telemetry);
  if (config.registerGlobals) registerGlobals(telemetry, { config, diagnostics, report, tracerProvider, propagator }, contextManager);
  return telemetry;
}

/** With tail sampling, spans the head sampler drops inside an invocation are recorded for its hold. */
function tailSampled(head: Sampler, config: ResolvedConfig): Sampler {
  return config.sampling ? new TailSampler(head) : head;
}

// The share of the memory cap one invocation may hold before it is kept early: a burst of overlapping
// invocations (or one that logs a flood) cannot hold the whole cap while waiting for outcomes.
const HOLD_SHARE = 1 / 8;

function holdOpener(config: ResolvedConfig, pipelines: Pipelines): () => InvocationHold | undefined {
  const rules = config.sampling;
  if (!rules) return () => undefined;
  const sink = { spans: pipelines.spans.queue, logs: pipelines.logs.queue, budget: pipelines.budget };
  const share = Math.max(1, Math.floor(pipelines.budget.limitBytes * HOLD_SHARE));
  return () => new InvocationHold(rules, sink, share);
}
