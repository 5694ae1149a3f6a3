import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DeliveryReport, Signal } from '../exporters/delivery-report.ts';
import { describeFailure } from '../exporters/export-failure.ts';
import { ExportQueue } from '../exporters/export-queue.ts';
import { FailoverLogExporter, FailoverMetricExporter, FailoverSpanExporter, type MetricLineFormat } from '../exporters/failover.ts';
import type { MetricRecord } from '../exporters/metric-record.ts';
import { dataPointsOf } from '../exporters/metric-record-exporter.ts';
import { LazyExporter } from '../exporters/lazy-exporter.ts';
import type { LokiFallback } from '../exporters/loki/loki-fallback.ts';
import { MemoryBudget } from '../exporters/memory-budget.ts';
import { otlpLogExporter, otlpMetricExporter, otlpSpanExporter, type Gzip } from '../exporters/otlp/otlp-protobuf-exporter.ts';
import type { PartialSuccessReader } from '../exporters/otlp/partial-success.ts';
import { writeRecordsAsJsonLines, writeSpansAsJsonLines, type LineWriter } from '../exporters/stdout-records.ts';
import { CircuitBreaker } from '../exporters/transport/circuit-breaker.ts';
import { originOf, signedTransport } from '../exporters/transport/transport.ts';
import { postWithFetch } from '../exporters/transport/fetch-transport.ts';
import { ExportResultCode, suppressTracing } from '@opentelemetry/core';
import { ROOT_CONTEXT, type ContextManager } from '@opentelemetry/api';
import type { BatchConfig, ResolvedConfig } from './config/resolved-config.ts';
import { snapshotConsole } from './console-originals.ts';
import { logRecordSize, spanSize } from './queue-processors.ts';
import type { Transport } from '../exporters/transport/transport.ts';

// Export requests per signal in flight at once: a burst of thousands of records leaves in a few round
// trips instead of one after another, without opening a connection per batch.
const MAX_CONCURRENT_EXPORTS = 4;

export interface Pipeline<T> {
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
  /** What the report counts of a batch (metrics: data points); its length when absent. */
  readonly count?: (items: readonly T[]) => number;
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
}

/** Resolves to the module that holds the Loki exporter. */
export type LokiLoader = () => Promise<LokiFallback>;

/** How the Loki fallback's code is had: from the options, else from the runtime's loader, else not at all. */
function lokiLoaderOf({ config, loadLoki }: Pick<PipelineInputs, 'config' | 'loadLoki'>): LokiLoader | undefined {
  const given = config.provided.lokiFallback;
  return given ? () => Promise.resolve(given) : loadLoki;
}

/** The span and log pipelines of one telemetry setup. */
export interface Pipelines {
  readonly spans: Pipeline<ReadableSpan>;
  readonly logs: Pipeline<ReadableLogRecord>;
  readonly metrics: Pipeline<MetricRecord>;
}

/**
 * One queue and exporter chain per signal, sharing one memory cap and one report. The last resort writes
 * through `lineWriter`, or beneath the console bridge, so it is never captured again.
 */
export function createPipelines(inputs: PipelineInputs, report: DeliveryReport): Pipelines {
  const { config } = inputs;
  const { provided } = config;
  const lastResort = config.stdoutFallback ? (inputs.lineWriter ?? consoleLineWriter()) : undefined;
  const shared = { budget: new MemoryBudget(config.maxBufferBytes), lastResort, report, contextManager: inputs.contextManager };
  const { spanFailover, logFailover } = createFailovers(inputs, lastResort, report);
  return {
    spans: createPipeline<ReadableSpan>(shared, {
      signal: 'spans',
      exporter: provided.spanExporter ?? spanFailover!,
      failover: spanFailover,
      batch: config.spanBatch,
      sizeOf: spanSize,
      writeLines: writeSpansAsJsonLines,
    }),
    logs: createPipeline<ReadableLogRecord>(shared, {
      signal: 'logs',
      exporter: provided.logExporter ?? logFailover!,
      failover: logFailover,
      batch: config.logBatch,
      sizeOf: logRecordSize,
      writeLines: writeRecordsAsJsonLines,
    }),
    metrics: createMetricPipeline(inputs, shared),
  };
}

/**
 * Metrics: one record per instrument and collection, OTLP → stdout in the runtime's line format; with the
 * `emf` exporter, straight to stdout (no endpoint). Points, not records, are what the report counts.
 */
function createMetricPipeline(inputs: PipelineInputs, shared: Shared): Pipeline<MetricRecord> {
  const { config, transport, gzip, readPartialSuccess } = inputs;
  const metrics = config.metrics;
  const namespace = metrics.namespace ?? config.serviceName ?? 'faas-observability';
  const format = inputs.metricLines(namespace);
  const lines = (records: readonly MetricRecord[], write: LineWriter) => {
    for (const note of format(records, write)?.notes ?? []) shared.report.note(`metrics: ${note}`);
  };
  const signer = config.provided.requestSigner;
  const otlpTransport = signer ? signedTransport(transport ?? ((request) => postWithFetch(request)), signer) : transport;
  const exporter =
    metrics.exporter === 'emf'
      ? stdoutMetricExporter(lines, inputs.lineWriter ?? consoleLineWriter())
      : new FailoverMetricExporter({
          primary: {
            exporter: otlpMetricExporter({ ...metrics.otlp, ...metrics.otlp.limits, transport: otlpTransport, gzip }, readPartialSuccess),
            breaker: new CircuitBreaker({ initialBackoffMs: config.circuitBackoffMs }),
          },
          lastResort: shared.lastResort,
          report: shared.report,
          format,
        });
  return createPipeline<MetricRecord>(shared, {
    signal: 'metrics',
    exporter,
    failover: exporter instanceof FailoverMetricExporter ? exporter : undefined,
    batch: config.logBatch,
    sizeOf: metricRecordSize,
    writeLines: lines,
    count: dataPointsOf,
  });
}

/** The `emf` exporter: every collection to stdout, where the platform's log capture takes it. */
function stdoutMetricExporter(lines: (records: readonly MetricRecord[], write: LineWriter) => void, write: LineWriter) {
  return {
    export(records: MetricRecord[], done: (result: ExportResult) => void) {
      lines(records, write);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

/** Heap held by one record: its points and, for histograms, their buckets. */
function metricRecordSize(record: MetricRecord): number {
  let bytes = 200;
  for (const point of record.data.points) bytes += 'bucketCounts' in point ? 160 + 16 * point.bucketCounts.length : 120;
  return bytes;
}

/** Our failover chains, for the signals whose exporter the options do not replace. */
function createFailovers(inputs: PipelineInputs, lastResort: LineWriter | undefined, report: DeliveryReport) {
  const { config, transport, gzip, readPartialSuccess } = inputs;
  const { provided } = config;
  const loadLoki = lokiLoaderOf(inputs);
  const breakerFor = circuitBreakers(config.circuitBackoffMs);
  const signer = provided.requestSigner;
  const otlpTransport = signer ? signedTransport(transport ?? ((request) => postWithFetch(request)), signer) : transport;
  const spanFailover = provided.spanExporter
    ? undefined
    : new FailoverSpanExporter({
        primary: {
          exporter: otlpSpanExporter({ ...config.traces, ...config.traces.limits, transport: otlpTransport, gzip }, readPartialSuccess),
          breaker: breakerFor(config.traces.url),
        },
        lastResort,
        report,
      });
  const logFailover = provided.logExporter
    ? undefined
    : new FailoverLogExporter({
        primary: {
          exporter: otlpLogExporter({ ...config.logs, ...config.logs.limits, transport: otlpTransport, gzip }, readPartialSuccess),
          breaker: breakerFor(config.logs.url),
        },
        fallback: config.loki &&
          loadLoki && {
            exporter: lazyLokiExporter(config.loki, transport, loadLoki),
            breaker: breakerFor(config.loki.url),
          },
        lastResort,
        report,
      });
  return { spanFailover, logFailover };
}

interface Shared {
  readonly budget: MemoryBudget;
  readonly lastResort: LineWriter | undefined;
  readonly report: DeliveryReport;
  readonly contextManager: ContextManager | undefined;
}

/** A queue over the signal's exporter: what it cannot export goes to the last resort, counted. */
function createPipeline<T>({ budget, lastResort, report, contextManager }: Shared, parts: PipelineParts<T>): Pipeline<T> {
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

/** The Loki fallback, loaded when it is first needed (an OTLP export failed), not at the cold start. */
function lazyLokiExporter(
  loki: NonNullable<ResolvedConfig['loki']>,
  transport: Transport | undefined,
  load: LokiLoader,
): LazyExporter<ReadableLogRecord> {
  return new LazyExporter(
    () => load().then((m) => new m.LokiPushExporter({ ...loki, transport, basicAuth: basicAuthOf(loki) })),
    'the Loki fallback',
  );
}

function basicAuthOf(loki: NonNullable<ResolvedConfig['loki']>): { username: string; password: string } | undefined {
  return loki.username !== undefined ? { username: loki.username, password: loki.password ?? '' } : undefined;
}

function consoleLineWriter(): LineWriter {
  const { log } = snapshotConsole();
  return (line) => log(line);
}
