import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import type { ExportQueue } from '../../exporters/export-queue.ts';
import type { MemoryBudget } from '../../exporters/memory-budget.ts';
import type { SamplingConfig } from '../config/resolved-config.ts';
import { logRecordSize, spanSize } from '../record-size.ts';

/** Where a kept invocation's records go: the export queues, and the memory cap they share. */
export interface HoldSink {
  readonly spans: ExportQueue<ReadableSpan>;
  readonly logs: ExportQueue<ReadableLogRecord>;
  readonly budget: MemoryBudget;
}

/** How an invocation ended, for its keep decision. */
export interface HoldOutcome {
  /** The head sampler's decision for the invocation's span (its trace flags). */
  readonly headSampled: boolean;
  /** Threw, returned a 5xx, reported a batch item failure. */
  readonly failed: boolean;
  readonly timedOut: boolean;
  readonly durationMs: number;
}

export type HoldDecision = 'keep' | 'drop';

/**
 * One invocation's spans and log records, held until its outcome decides whether they are exported, all or
 * none. Records below the export level are held apart and go out only with an invocation kept because it
 * failed. What ends after the decision (background work) follows it. What is held counts against the memory
 * cap; an invocation that holds more than `shareBytes`, or that the cap cannot take, is kept at once (its
 * records go to the queues, later ones follow directly), so a burst cannot outgrow memory and nothing of a
 * failed invocation is lost.
 *
 * @example
 * const hold = new InvocationHold(rules, sink, budget.limitBytes / 8);
 * hold.addLog(record); // held
 * hold.decide({ headSampled: false, failed: true, timedOut: false, durationMs: 12 }); // 'keep': exported
 */
export class InvocationHold {
  readonly #rules: SamplingConfig;
  readonly #sink: HoldSink;
  readonly #shareBytes: number;
  #spans: ReadableSpan[] = [];
  #logs: ReadableLogRecord[] = [];
  #below: ReadableLogRecord[] = [];
  #bytes = 0;
  #maxSeverity = 0;
  #keepAsked = false;
  #decision: HoldDecision | undefined;
  /** Kept because it failed (or early, for memory): records below the export level go out too. */
  #withBelow = false;

  constructor(rules: SamplingConfig, sink: HoldSink, shareBytes: number) {
    this.#rules = rules;
    this.#sink = sink;
    this.#shareBytes = shareBytes;
  }

  get decision(): HoldDecision | undefined {
    return this.#decision;
  }

  /** `keepInvocation()`: the handler asks for this invocation to be kept. */
  keep(): void {
    this.#keepAsked = true;
  }

  addSpan(span: ReadableSpan): void {
    if (this.#decision === 'keep') return this.#sink.spans.add(span);
    if (this.#decision === 'drop') return;
    if (this.#held(spanSize(span))) this.#spans.push(span);
    // Kept early (past its share): this one follows the decision like the rest.
    else this.addSpan(span);
  }

  addLog(record: ReadableLogRecord): void {
    const severity = record.severityNumber ?? 0;
    if (severity > this.#maxSeverity) this.#maxSeverity = severity;
    const below = this.#rules.exportSeverity !== undefined && severity < this.#rules.exportSeverity;
    if (this.#decision === 'keep') return below && !this.#withBelow ? undefined : this.#sink.logs.add(record);
    if (this.#decision === 'drop') return;
    if (this.#held(logRecordSize(record))) (below ? this.#below : this.#logs).push(record);
    else this.addLog(record);
  }

  /** Decides once, from the outcome and the rules; hands over or forgets what is held. */
  decide(outcome: HoldOutcome): HoldDecision {
    if (this.#decision !== undefined) return this.#decision;
    const rules = this.#rules;
    const failed = rules.keepFailed && (outcome.failed || outcome.timedOut);
    const keep =
      outcome.headSampled ||
      failed ||
      this.#keepAsked ||
      (rules.keepSeverity !== undefined && this.#maxSeverity >= rules.keepSeverity) ||
      (rules.keepSlowerThanMs !== undefined && outcome.durationMs > rules.keepSlowerThanMs);
    this.#settle(keep ? 'keep' : 'drop', failed);
    return this.#decision!;
  }

  /** Reserves `bytes` of the cap for a held record; when it cannot (past its share or the cap), keeps early. */
  #held(bytes: number): boolean {
    if (this.#bytes + bytes <= this.#shareBytes && this.#sink.budget.reserve(bytes)) {
      this.#bytes += bytes;
      return true;
    }
    // Decided before the outcome: kept whole, debug lines included, as a failure would be.
    this.#settle('keep', true);
    return false;
  }

  #settle(decision: HoldDecision, withBelow: boolean): void {
    this.#decision = decision;
    this.#withBelow = withBelow;
    const spans = this.#spans;
    const logs = withBelow ? [...this.#below, ...this.#logs].sort(byTime) : this.#logs;
    this.#spans = [];
    this.#logs = [];
    this.#below = [];
    // Released before the queues take them: they reserve their own share of the cap.
    this.#sink.budget.release(this.#bytes);
    this.#bytes = 0;
    if (decision === 'drop') return;
    for (const span of spans) this.#sink.spans.add(span);
    for (const record of logs) this.#sink.logs.add(record);
  }
}

function byTime(a: ReadableLogRecord, b: ReadableLogRecord): number {
  const [as, an] = a.hrTime;
  const [bs, bn] = b.hrTime;
  return as - bs || an - bn;
}
