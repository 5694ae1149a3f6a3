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
import type { BatchConfig } from './config/resolved-config.ts';
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
}

/** A queue over the signal's exporter: what it cannot export goes to the last resort, counted. */
export function createPipeline<T>({ budget, lastResort, report, contextManager }: Shared, parts: PipelineParts<T>): Pipeline<T> {
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
