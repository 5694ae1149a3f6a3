import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { CircuitBreaker } from './transport/circuit-breaker.ts';
import type { DeliveryReport, Signal } from './delivery-report.ts';
import type { OtlpExportResult } from './otlp/otlp-exporter.ts';
import { describeFailure, ExportFailure, isOutage } from './export-failure.ts';
import { InFlight } from './in-flight.ts';
import { writeRecordsAsJsonLines, writeSpansAsJsonLines, type LineWriter } from './stdout-records.ts';
import type { MetricRecord } from './metric-record.ts';
import { dataPointsOf, type MetricRecordExporter } from './metric-record-exporter.ts';

/** An exporter and the circuit breaker that keeps its endpoint from costing a timeout per invocation. */
export interface GuardedExporter<T> {
  readonly exporter: { export(items: T[], done: (result: ExportResult) => void): void };
  readonly breaker: CircuitBreaker;
}

/** Runs one export through a breaker: refused at once while it is open, and feeding it what happens. */
function exportThrough<T>(target: GuardedExporter<T>, items: T[]): Promise<ExportResult> {
  if (!target.breaker.allow()) {
    const { reason, probeInMs } = target.breaker.state;
    return Promise.resolve({
      code: ExportResultCode.FAILED,
      error: new Error(`circuit open after ${reason}; next probe in ${Math.ceil(probeInMs / 1000)} s`),
    });
  }
  return new Promise((resolve) => {
    const done = (result: ExportResult) => {
      if (result.code === ExportResultCode.SUCCESS) target.breaker.success();
      else if (isOutage(result)) target.breaker.failure(describeFailure(result));
      resolve(result);
    };
    try {
      target.exporter.export(items, done);
    } catch (cause) {
      // An exporter must answer through its callback; one that throws gets a failure (not an outage) here,
      // or the flush waiting for this attempt would never settle.
      done({ code: ExportResultCode.FAILED, error: new ExportFailure('the exporter threw', false, cause) });
    }
  });
}

export interface FailoverOptions<T> {
  readonly primary: GuardedExporter<T>;
  /** Logs only: Loki's push API. */
  readonly fallback?: GuardedExporter<T>;
  /** Where records go when every exporter failed; undefined turns the last resort off. */
  readonly lastResort?: LineWriter;
  readonly report: DeliveryReport;
}

interface Attempt<T> {
  /** What this attempt still has to deliver. */
  items: readonly T[];
  settled: boolean;
}

/**
 * Primary (OTLP) → fallback (Loki push, for logs) → stdout JSON lines, each record delivered by exactly one
 * of them. Dead endpoints sit behind circuit breakers, so a collector that is down costs one timeout, not
 * one per invocation. `spill()` writes what is still in flight to stdout at once, for a flush out of time.
 */
abstract class FailoverExporter<T> {
  readonly #options: FailoverOptions<T>;
  readonly #signal: Signal;
  readonly #inFlight = new InFlight();
  readonly #attempts = new Set<Attempt<T>>();

  protected constructor(signal: Signal, options: FailoverOptions<T>) {
    this.#signal = signal;
    this.#options = options;
  }

  protected abstract writeLines(items: readonly T[], write: LineWriter): void;

  /** How many items the report counts for these (one each, but for metrics). */
  protected countOf(items: readonly T[]): number {
    return items.length;
  }

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    const attempt: Attempt<T> = { items, settled: false };
    this.#attempts.add(attempt);
    void this.#inFlight.track(
      this.#deliver(attempt).then((result) => {
        this.#attempts.delete(attempt);
        resultCallback(result);
      }),
    );
  }

  async #deliver(attempt: Attempt<T>): Promise<ExportResult> {
    const { primary, fallback, lastResort, report } = this.#options;
    const first = await exportThrough(primary, attempt.items as T[]);
    const partial = (first as OtlpExportResult).partialSuccess;
    if (partial && !attempt.settled) {
      // Rejected by the endpoint for good (the OTLP spec: never retry them): counted, not sent elsewhere.
      report.add(this.#signal, 'rejected', partial.rejected);
      if (partial.errorMessage) report.note(`${this.#signal}: the endpoint said "${partial.errorMessage}"`);
    }
    if (attempt.settled || first.code === ExportResultCode.SUCCESS) return this.#settle(attempt, first);
    report.note(`${this.#signal}: ${describeFailure(first)}`);
    // A split batch that failed in part: what was delivered is not sent again.
    const items = ((first as OtlpExportResult).undelivered as T[] | undefined) ?? attempt.items;
    attempt.items = items;
    if (fallback) {
      const second = await exportThrough(fallback, items as T[]);
      if (attempt.settled) return second;
      if (second.code === ExportResultCode.SUCCESS) {
        report.add(this.#signal, 'fallback', this.countOf(items));
        return this.#settle(attempt, second);
      }
      report.note(`fallback: ${describeFailure(second)}`);
    }
    if (!lastResort) {
      report.add(this.#signal, 'lost', this.countOf(items));
      return this.#settle(attempt, first);
    }
    this.#writeToStdout(attempt);
    return { code: ExportResultCode.SUCCESS };
  }

  #settle(attempt: Attempt<T>, result: ExportResult): ExportResult {
    attempt.settled = true;
    return result;
  }

  #writeToStdout(attempt: Attempt<T>): void {
    if (attempt.settled || !this.#options.lastResort) return;
    attempt.settled = true;
    this.#options.report.add(this.#signal, 'stdout', this.countOf(attempt.items));
    this.writeLines(attempt.items, this.#options.lastResort);
  }

  /** Writes every record still in flight to stdout now; a late success elsewhere is then a duplicate its id resolves. */
  spill(): void {
    for (const attempt of this.#attempts) this.#writeToStdout(attempt);
  }

  forceFlush(): Promise<void> {
    return this.#inFlight.settled();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

/**
 * Log records: OTLP → Loki push → stdout JSON lines (with `log.record.uid`).
 *
 * @example
 * new FailoverLogExporter({ primary: { exporter: otlp, breaker }, fallback: { exporter: loki, breaker: lokiBreaker }, lastResort, report });
 */
export class FailoverLogExporter extends FailoverExporter<ReadableLogRecord> implements LogRecordExporter {
  constructor(options: FailoverOptions<ReadableLogRecord>) {
    super('logs', options);
  }
  protected writeLines(records: readonly ReadableLogRecord[], write: LineWriter): void {
    writeRecordsAsJsonLines(records, write);
  }
}

/**
 * Spans: OTLP → stdout JSON lines (Loki takes no spans).
 *
 * @example
 * new FailoverSpanExporter({ primary: { exporter: otlpSpans, breaker }, lastResort, report });
 */
export class FailoverSpanExporter extends FailoverExporter<ReadableSpan> implements SpanExporter {
  constructor(options: FailoverOptions<ReadableSpan>) {
    super('spans', options);
  }
  protected writeLines(spans: readonly ReadableSpan[], write: LineWriter): void {
    writeSpansAsJsonLines(spans, write);
  }
}

/**
 * How the metrics' last resort writes records, and what it had to change or leave out (notes for the
 * diagnostic line): CloudWatch EMF on Lambda, JSON lines on the edge.
 */
export type MetricLineFormat = (records: readonly MetricRecord[], write: LineWriter) => { readonly notes: readonly string[] } | void;

export interface FailoverMetricOptions extends Omit<FailoverOptions<MetricRecord>, 'fallback'> {
  /** The last resort's line format (Lambda: `writeMetricsAsEmf` with a namespace; edge: `writeMetricsAsJsonLines`). */
  readonly format: MetricLineFormat;
}

/**
 * Metrics: OTLP → the last resort (no Loki: it takes no metrics), in a format the setup injects, as Lambda's
 * log capture turns CloudWatch EMF lines into metrics and the edge has JSON lines. The delivery report counts
 * metrics in data points, as OTLP's `rejected_data_points` does, whichever way they went.
 *
 * @example
 * new FailoverMetricExporter({ primary: { exporter: otlpMetrics, breaker }, lastResort, report, format: (records, write) => writeMetricsAsEmf(records, write, { namespace: 'orders' }) });
 */
export class FailoverMetricExporter extends FailoverExporter<MetricRecord> implements MetricRecordExporter {
  readonly #format: MetricLineFormat;
  readonly #report: DeliveryReport;

  constructor(options: FailoverMetricOptions) {
    super('metrics', options);
    this.#format = options.format;
    this.#report = options.report;
  }
  protected writeLines(records: readonly MetricRecord[], write: LineWriter): void {
    let notes: readonly string[];
    try {
      notes = this.#format(records, write)?.notes ?? [];
    } catch (cause) {
      // An injected format that throws must not leave the export unanswered: the records are lost, and said so.
      notes = [`the metric line format threw: ${String(cause)}`];
    }
    for (const note of notes) this.#report.note(`metrics: ${note}`);
  }
  protected override countOf(records: readonly MetricRecord[]): number {
    return dataPointsOf(records);
  }
}
