import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { DeliveryReport } from '../exporters/delivery-report.ts';
import { FailoverLogExporter, FailoverSpanExporter } from '../exporters/failover.ts';
import type { MetricRecord } from '../exporters/metric-record.ts';
import { LazyExporter } from '../exporters/lazy-exporter.ts';
import { MemoryBudget } from '../exporters/memory-budget.ts';
import { otlpLogExporter, otlpSpanExporter } from '../exporters/otlp/otlp-protobuf-exporter.ts';
import { writeRecordsAsJsonLines, writeSpansAsJsonLines } from '../exporters/stdout-records.ts';
import type { Transport } from '../exporters/transport/transport.ts';
import type { ResolvedConfig } from './config/resolved-config.ts';
import { createMetricPipeline } from './metric-pipeline.ts';
import {
  circuitBreakers,
  consoleLineWriter,
  createPipeline,
  otlpTransportOf,
  type LokiLoader,
  type Pipeline,
  type PipelineInputs,
  type Shared,
} from './pipeline.ts';
import { logRecordSize, spanSize } from './record-size.ts';

export type { LokiLoader, Pipeline, PipelineInputs } from './pipeline.ts';

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
  /** The memory cap every signal shares (and tail sampling's holds, while they wait for an outcome). */
  readonly budget: MemoryBudget;
}

/**
 * One queue and exporter chain per signal, sharing one memory cap and one report. The last resort writes
 * through `lineWriter`, or beneath the console bridge, so it is never captured again.
 */
export function createPipelines(inputs: PipelineInputs, report: DeliveryReport): Pipelines {
  const { config } = inputs;
  const { provided } = config;
  const lastResort = config.stdoutFallback ? (inputs.lineWriter ?? consoleLineWriter()) : undefined;
  const shared: Shared = {
    budget: new MemoryBudget(config.maxBufferBytes),
    lastResort,
    report,
    contextManager: inputs.contextManager,
    breakerFor: circuitBreakers(config.circuitBackoffMs),
    holdUntilFlush: config.batching ? inputs.batchingActive : undefined,
  };
  const { spanFailover, logFailover } = createFailovers(inputs, shared);
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
    budget: shared.budget,
  };
}

/** Our failover chains, for the signals whose exporter the options do not replace. */
function createFailovers(inputs: PipelineInputs, { lastResort, report, breakerFor }: Shared) {
  const { config, transport, gzip, readPartialSuccess } = inputs;
  const { provided } = config;
  const loadLoki = lokiLoaderOf(inputs);
  const otlpTransport = otlpTransportOf(transport, provided.requestSigner);
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
