import { printable } from './printable.ts';

export type Signal = 'spans' | 'logs' | 'metrics';

const MAX_REASON_LENGTH = 400;
// Reasons kept per line: enough for every signal's first failure and the Loki fallback's beside it.
const MAX_REASONS = 8;

/**
 * Where records went that did not take the normal path: `fallback` (Loki), `stdout` (JSON lines, the last
 * resort, also for what a flush out of time still held), `overCap` (past the memory cap, straight to stdout)
 * and `lost` (when the stdout fallback is turned off, and console calls the bridge could not make a record of).
 * Spans and log records count one each; metrics count data points (what OTLP's `rejected_data_points` counts).
 */
export interface DeliveryCounts {
  fallback: number;
  stdout: number;
  overCap: number;
  lost: number;
  /** Accepted requests whose records the endpoint rejected (OTLP `partial_success`). */
  rejected: number;
}

export interface DeliverySnapshot {
  readonly spans: Readonly<DeliveryCounts>;
  readonly logs: Readonly<DeliveryCounts>;
  readonly metrics: Readonly<DeliveryCounts>;
  readonly reasons: readonly string[];
}

const zero = (): DeliveryCounts => ({ fallback: 0, stdout: 0, overCap: 0, lost: 0, rejected: 0 });

/**
 * Counts what could not take the normal path since it was last taken, so the wrapper can say it in one
 * line per invocation instead of one per failed request (no storm on stderr).
 */
export class DeliveryReport {
  #counts = { spans: zero(), logs: zero(), metrics: zero() };
  readonly #reasons = new Set<string>();

  add(signal: Signal, outcome: keyof DeliveryCounts, count: number): void {
    this.#counts[signal][outcome] += count;
  }

  /** Keeps a reason for the line (`MAX_REASONS` at most); escaped and bounded, as reasons can quote an endpoint's answer. */
  note(reason: string): void {
    if (this.#reasons.size < MAX_REASONS) this.#reasons.add(printable(reason, MAX_REASON_LENGTH));
  }

  /** Returns the counts and resets them; undefined when everything took the normal path. */
  take(): DeliverySnapshot | undefined {
    const { spans, logs, metrics } = this.#counts;
    const total = (counts: DeliveryCounts) => counts.fallback + counts.stdout + counts.overCap + counts.lost + counts.rejected;
    if (total(spans) + total(logs) + total(metrics) === 0 && this.#reasons.size === 0) return undefined;
    const snapshot = { spans, logs, metrics, reasons: [...this.#reasons] };
    this.#counts = { spans: zero(), logs: zero(), metrics: zero() };
    this.#reasons.clear();
    return snapshot;
  }
}

/**
 * The sentences of the per-invocation diagnostic line for a snapshot.
 *
 * @example
 * describeDelivery(report.take()!).join('; '); // "3 log record(s) sent to Loki instead of the collector; …"
 */
export function describeDelivery(snapshot: DeliverySnapshot): string[] {
  const parts: string[] = [];
  // Metrics go to stdout in the runtime's format: CloudWatch EMF on Lambda, JSON lines on the edge.
  for (const [signal, noun, lines] of [
    ['spans', 'span(s)', 'as JSON lines'],
    ['logs', 'log record(s)', 'as JSON lines'],
    ['metrics', 'metric data point(s)', 'as metric lines'],
  ] as const) {
    const counts = snapshot[signal];
    if (counts.fallback > 0) parts.push(`${counts.fallback} ${noun} sent to Loki instead of the collector`);
    if (counts.stdout > 0) parts.push(`${counts.stdout} ${noun} written to stdout ${lines}`);
    if (counts.overCap > 0) parts.push(`${counts.overCap} ${noun} over the memory cap written to stdout ${lines}`);
    if (counts.lost > 0) parts.push(`${counts.lost} ${noun} not delivered`);
    if (counts.rejected > 0) parts.push(`${counts.rejected} ${noun} rejected by the endpoint (partial success)`);
  }
  return [...parts, ...snapshot.reasons];
}
