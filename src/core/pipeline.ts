import { ROOT_CONTEXT, type ContextManager } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { DeliveryReport, Signal } from '../exporters/delivery-report.ts';
import { describeFailure } from '../exporters/export-failure.ts';
import { ExportQueue } from '../exporters/export-queue.ts';
import type { MemoryBudget } from '../exporters/memory-budget.ts';
import type { LineWriter } from '../exporters/stdout-records.ts';
import { CircuitBreaker } from '../exporters/transport/circuit-breaker.ts';
import { originOf, signedTransport, type RequestSigner, type Transport } from '../exporters/transport/transport.ts';
import { postWithFetch } from '../exporters/transport/fetch-transport.ts';
import type { BatchConfig, ResolvedConfig } from './config/resolved-config.ts';
import type { MetricLineFormat } from '../exporters/failover.ts';
import type { LokiFallback } from '../exporters/loki/loki-fallback.ts';
import type { Gzip } from '../exporters/otlp/otlp-protobuf-exporter.ts';
import type { PartialSuccessReader } from '../exporters/otlp/partial-success.ts';
import { snapshotConsole } from './console-originals.ts';

// Export requests per signal in flight at once: a burst of thousands of records leaves in a few round
// trips instead of one after another, without opening a connection per batch.
const MAX_CONCURRENT_EXPORTS = 4;

export interface Pipeline<T> {
  readonly queue: ExportQueue<T>;
  readonly exporter: { forceFlush?(): Promise<void>; shutdown(): Promise<void> };
  /** Hands what is queued or in flight to stdout (a flush out of time). */
  spill(): void;
}

export interface PipelineParts<T> {
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
  /** What the report counts of a batch (metrics: data points); its length when absent. */
  readonly count?: (items: readonly T[]) => number;
}

/** What every signal's pipeline shares: one memory cap, one last resort, one report, one breaker per origin. */
export interface Shared {
  readonly budget: MemoryBudget;
  readonly lastResort: LineWriter | undefined;
  readonly report: DeliveryReport;
  readonly contextManager: ContextManager | undefined;
  /** One breaker per endpoint origin: signals sent to the same collector share what they learn. */
  readonly breakerFor: (url: string) => CircuitBreaker;
  /** Batched delivery, while it can act: the queues export only when a flush asks. */
  readonly holdUntilFlush?: () => boolean;
}

/** A queue over the signal's exporter: what it cannot export goes to the last resort, counted. */
export function createPipeline<T>(
  { budget, lastResort, report, contextManager, holdUntilFlush }: Shared,
  parts: PipelineParts<T>,
): Pipeline<T> {
  const { exporter } = parts;
  const countOf = parts.count ?? ((items: readonly T[]) => items.length);
  const queue = new ExportQueue<T>({
    exporter: contextManager
      ? { export: (items, done) => contextManager.with(suppressTracing(ROOT_CONTEXT), () => exporter.export(items, done)) }
      : exporter,
    maxBatchSize: parts.batch.maxExportBatchSize,
    maxQueueSize: parts.batch.maxQueueSize,
    maxConcurrentExports: MAX_CONCURRENT_EXPORTS,
    scheduledDelayMs: parts.batch.scheduledDelayMs,
    holdUntilFlush,
    budget,
    sizeOf: parts.sizeOf,
    overflow: (items, reason) => {
      if (!lastResort) return report.add(parts.signal, 'lost', countOf(items));
      report.add(parts.signal, reason === 'overCap' ? 'overCap' : 'stdout', countOf(items));
      parts.writeLines(items, lastResort);
    },
    // Our failover chain counts its own outcomes; an exporter from the options only answers with a result.
    onResult: (items, result) => {
      if (parts.failover || result.code === ExportResultCode.SUCCESS) return;
      report.add(parts.signal, 'lost', countOf(items));
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
}

/** One breaker per endpoint origin: the signals sent to the same collector share what they learn. */
export function circuitBreakers(initialBackoffMs: number): (url: string) => CircuitBreaker {
  const breakers = new Map<string, CircuitBreaker>();
  return (url) => {
    const origin = originOf(url);
    let breaker = breakers.get(origin);
    if (!breaker) breakers.set(origin, (breaker = new CircuitBreaker({ initialBackoffMs })));
    return breaker;
  };
}

/** The OTLP transport, signed when the options carry a request signer (`awsOtlp`). */
export function otlpTransportOf(transport: Transport | undefined, signer: RequestSigner | undefined): Transport | undefined {
  return signer ? signedTransport(transport ?? ((request) => postWithFetch(request)), signer) : transport;
}

export function consoleLineWriter(): LineWriter {
  const { log } = snapshotConsole();
  return (line) => log(line);
}

/** What the pipelines are built from. */
export interface PipelineInputs {
  /** The only settings read: the sampler, exporters, signer and Loki code passed in the options are in `config.provided`. */
  readonly config: ResolvedConfig;
  /** How the OTLP exporters send requests; `fetch` when absent. */
  readonly transport?: Transport;
  /** How OTLP bodies are gzipped when `compression` is `gzip`; sent as is when absent. */
  readonly gzip?: Gzip;
  /** Where undeliverable records are written as JSON lines; the console as it was, when absent. */
  readonly lineWriter?: LineWriter;
  /**
   * Loads the Loki exporter's module, when the fallback is configured and first needed, unless the options
   * carried it (`config.provided.lokiFallback`). Lambda passes a dynamic `import()` (a chunk of its own in a split artifact, so
   * a cold start does not load it); the edge none: its bundle is one file, which carries Loki code only when
   * the user imports `faas-observability/loki`. With neither, there is no Loki fallback (stdout takes over).
   */
  readonly loadLoki?: LokiLoader;
  /**
   * How the OTLP exporters read an answer's partial_success: Lambda passes one that imports the reader only
   * for an answer with a body (a chunk a cold start does not load), the edge `sumPartialSuccess` itself (its
   * one-file bundle would carry the reader anyway, and a dynamic import there costs esbuild's module wrappers).
   */
  readonly readPartialSuccess: PartialSuccessReader;
  /**
   * The process's context manager: exports start in a context with tracing suppressed there too (the API's
   * alone is not enough when the API globals are not registered), so the outbound instrumentation skips them.
   */
  readonly contextManager?: ContextManager;
  /**
   * How metrics are written to stdout (their last resort, and the `emf` exporter): Lambda passes CloudWatch EMF
   * under `namespace` (CloudWatch Logs makes metrics of those lines), the edge JSON lines. Passed in, so each
   * runtime's bundle carries only its own format.
   */
  readonly metricLines: (namespace: string) => MetricLineFormat;
  /**
   * Whether batched delivery can act now (Lambda: the configuration asks for it and the extension runs); absent,
   * or answering false, every invocation sends what it made.
   */
  readonly batchingActive?: () => boolean;
}

/** Resolves to the module that holds the Loki exporter. */
export type LokiLoader = () => Promise<LokiFallback>;
