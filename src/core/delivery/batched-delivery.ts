import type { BatchingConfig } from '../config/resolved-config.ts';

/** What one invocation's end tells the batching policy. */
export interface InvocationEnd {
  /** `Date.now()` when the invocation started. */
  readonly startedAt: number;
  readonly now: number;
  /** Failed, timed out, slow, or kept by a sampling rule: its records go now. */
  readonly urgent: boolean;
  /** Spans and log records waiting in the queues. */
  readonly heldRecords: number;
  /** Whether the memory cap is half used. */
  readonly memoryPressed: boolean;
}

/** Why an invocation sends what is held (the debug line says it), or `hold`. */
export type SendReason = 'urgent' | 'batch full' | 'memory' | 'max age' | 'idle' | 'hold';

// How much the gap estimate moves towards each new gap: a burst or a lull shows within a few invocations.
const GAP_WEIGHT = 0.3;

/**
 * Decides, at the end of each invocation, whether what the queues hold leaves now or waits for a later
 * invocation: batched delivery. Lambda freezes the environment once the runtime and its extensions ask for
 * the next event; a flush before that is billed, so busy functions send once per batch instead of once per
 * invocation. A record must not wait past `maxAgeMs` while invocations keep coming: the policy estimates the
 * gap to the next invocation (a moving average of the gaps so far, or the last gap when that is longer) and
 * sends when the oldest held record would pass its age before then. The first invocation, and one after a
 * gap longer than the max age, send at once (the next freeze may be long).
 *
 * @example
 * const policy = new BatchedDelivery({ maxAgeMs: 5000 }, 512);
 * policy.decide({ startedAt, now: Date.now(), urgent: false, heldRecords: 3, memoryPressed: false }); // 'idle' (first call)
 */
export class BatchedDelivery {
  readonly #maxAgeMs: number;
  readonly #batchRecords: number;
  #lastStart: number | undefined;
  #lastGapMs: number | undefined;
  #gapMs: number | undefined;
  /** When the first invocation since the last send started (its records, or at least its metrics, wait). */
  #heldSince: number | undefined;

  constructor(config: BatchingConfig, batchRecords: number) {
    this.#maxAgeMs = config.maxAgeMs;
    this.#batchRecords = batchRecords;
  }

  decide(end: InvocationEnd): SendReason {
    this.#noteStart(end.startedAt);
    // Counted from the first invocation since the last send, records or not: its metrics wait as well.
    this.#heldSince ??= end.startedAt;
    const reason = this.#reason(end);
    if (reason !== 'hold') this.#heldSince = undefined;
    return reason;
  }

  #reason(end: InvocationEnd): SendReason {
    if (end.urgent) return 'urgent';
    if (end.heldRecords >= this.#batchRecords) return 'batch full';
    if (end.memoryPressed) return 'memory';
    const expectedGap = Math.max(this.#gapMs ?? Infinity, this.#lastGapMs ?? Infinity);
    if (expectedGap >= this.#maxAgeMs) return 'idle';
    return end.now - this.#heldSince! + expectedGap >= this.#maxAgeMs ? 'max age' : 'hold';
  }

  #noteStart(startedAt: number): void {
    if (this.#lastStart !== undefined && startedAt >= this.#lastStart) {
      const gap = startedAt - this.#lastStart;
      this.#lastGapMs = gap;
      // An idle spell is not traffic: averaged in, it would make the first invocations after it send one by one.
      if (gap >= this.#maxAgeMs) this.#gapMs = undefined;
      else this.#gapMs = this.#gapMs === undefined ? gap : this.#gapMs + GAP_WEIGHT * (gap - this.#gapMs);
    }
    this.#lastStart = Math.max(startedAt, this.#lastStart ?? startedAt);
  }
}
