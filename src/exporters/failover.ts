import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { SpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace';
import type { CircuitBreaker } from './circuit-breaker.ts';
import type { DeliveryReport } from './delivery-report.ts';
import { describeFailure, isOutage } from './export-failure.ts';
import { InFlight } from './in-flight.ts';
import { writeRecordsAsJsonLines, type LineWriter } from './stdout-records.ts';

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
  return new Promise((resolve) =>
    target.exporter.export(items, (result) => {
      if (result.code === ExportResultCode.SUCCESS) target.breaker.success();
      else if (isOutage(result)) target.breaker.failure(describeFailure(result));
      resolve(result);
    }),
  );
}

export interface FailoverOptions {
  readonly primary: GuardedExporter<ReadableLogRecord>;
  readonly fallback?: GuardedExporter<ReadableLogRecord>;
  /** Where records go when every exporter failed; undefined turns the last resort off. */
  readonly lastResort?: LineWriter;
  readonly report: DeliveryReport;
}

interface Attempt {
  readonly records: readonly ReadableLogRecord[];
  settled: boolean;
}

/**
 * Primary (OTLP) → fallback (Loki push) → stdout, each record delivered by exactly one of them: what the
 * primary fails to deliver goes to the fallback, what that fails to deliver is written to stdout as JSON
 * lines. Dead endpoints sit behind circuit breakers, so a collector that is down costs one timeout, not
 * one per invocation. `spill()` writes what is still in flight to stdout at once, for a flush out of time.
 *
 * @example
 * new FailoverLogExporter({ primary: { exporter: otlp, breaker }, fallback: { exporter: loki, breaker: lokiBreaker }, lastResort, report });
 */
export class FailoverLogExporter implements LogRecordExporter {
  readonly #options: FailoverOptions;
  readonly #inFlight = new InFlight();
  readonly #attempts = new Set<Attempt>();

  constructor(options: FailoverOptions) {
    this.#options = options;
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const attempt: Attempt = { records, settled: false };
    this.#attempts.add(attempt);
    void this.#inFlight.track(
      this.#deliver(attempt).then((result) => {
        this.#attempts.delete(attempt);
        resultCallback(result);
      }),
    );
  }

  async #deliver(attempt: Attempt): Promise<ExportResult> {
    const { primary, fallback, lastResort, report } = this.#options;
    const records = attempt.records as ReadableLogRecord[];
    const first = await exportThrough(primary, records);
    if (attempt.settled || first.code === ExportResultCode.SUCCESS) return this.#settle(attempt, first);
    report.note(`logs: ${describeFailure(first)}`);
    if (fallback) {
      const second = await exportThrough(fallback, records);
      if (attempt.settled) return second;
      if (second.code === ExportResultCode.SUCCESS) {
        report.logsToFallback += records.length;
        return this.#settle(attempt, second);
      }
      report.note(`fallback: ${describeFailure(second)}`);
    }
    if (!lastResort) return this.#settle(attempt, first);
    this.#writeToStdout(attempt);
    return { code: ExportResultCode.SUCCESS };
  }

  #settle(attempt: Attempt, result: ExportResult): ExportResult {
    attempt.settled = true;
    return result;
  }

  #writeToStdout(attempt: Attempt): void {
    if (attempt.settled || !this.#options.lastResort) return;
    attempt.settled = true;
    this.#options.report.logsToStdout += attempt.records.length;
    writeRecordsAsJsonLines(attempt.records, this.#options.lastResort);
  }

  /** Writes every record still in flight to stdout now; a late success elsewhere is then a duplicate the uid resolves. */
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
 * The span exporter behind a circuit breaker: while the collector is known dead, spans are counted as lost
 * at once instead of each invocation waiting for a timeout. Spans have no fallback.
 *
 * @example
 * new GuardedSpanExporter({ exporter: otlpSpans, breaker }, report);
 */
export class GuardedSpanExporter implements SpanExporter {
  readonly #target: GuardedExporter<ReadableSpan>;
  readonly #report: DeliveryReport;
  readonly #inFlight = new InFlight();

  constructor(target: GuardedExporter<ReadableSpan> & { exporter: SpanExporter }, report: DeliveryReport) {
    this.#target = target;
    this.#report = report;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    void this.#inFlight.track(
      exportThrough(this.#target, spans).then((result) => {
        if (result.code !== ExportResultCode.SUCCESS) {
          this.#report.spansLost += spans.length;
          this.#report.note(`spans: ${describeFailure(result)}`);
        }
        resultCallback(result);
      }),
    );
  }

  async forceFlush(): Promise<void> {
    await this.#inFlight.settled();
    await (this.#target.exporter as SpanExporter).forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    await (this.#target.exporter as SpanExporter).shutdown();
  }
}
