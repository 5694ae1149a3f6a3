// Timers advance in steps this long; a step's timer that fires later than the step plus the tolerance
// shows the event loop could not run it: that lateness is not counted.
const STEP_MS = 50;
const LATE_TOLERANCE_MS = 20;

export interface LoopDeadlineOptions {
  /** Called once when the time is spent; not called after `cancel()`. */
  readonly onExpiry?: () => void;
  /** `unref()` the timers: for a deadline that only counts, whose expiry nothing waits for. */
  readonly unref?: boolean;
  readonly now?: () => number;
}

/**
 * A time limit that counts only the time the event loop was free to run our callbacks, so that a timeout
 * measures a network exchange and not the time the process was doing something else: a handler logging
 * 100,000 lines in one synchronous loop, a CPU-bound step, the Lambda freeze between two invocations.
 * A plain `setTimeout(abort, 450)` armed before such a block fires the moment the block ends, before the
 * request was even written, because each turn of Node's event loop runs the due timers before it polls
 * for I/O (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick): a healthy
 * collector then looks dead. Here the time advances in steps of 50 ms; a step whose timer fires late
 * counts only its own length (plus a small tolerance for ordinary timer jitter), so a block costs the
 * exchange at most one step. Web timers only: the same on Lambda, Deno and workerd (where the clock
 * already stands still while code runs: https://developers.cloudflare.com/workers/reference/security-model/).
 * A process whose loop never frees stretches the limit in wall time, but then nothing else runs either;
 * the flush's own deadline (wall time) still bounds what the caller waits for.
 *
 * @example
 * const deadline = new LoopDeadline(450, { onExpiry: () => request.destroy(new Error('export timed out')) });
 * request.on('close', () => deadline.cancel());
 */
export class LoopDeadline {
  readonly #limitMs: number;
  readonly #options: LoopDeadlineOptions;
  readonly #now: () => number;
  #spentMs = 0;
  #stepMs = 0;
  #stepStartedAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #done = false;

  constructor(limitMs: number, options: LoopDeadlineOptions = {}) {
    this.#limitMs = Math.max(0, limitMs);
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#arm();
  }

  /** What is left of the limit, in whole ms of event-loop time; 0 once spent. */
  get remainingMs(): number {
    const current = this.#done ? 0 : this.#credit(this.#now() - this.#stepStartedAt);
    return Math.max(0, Math.ceil(this.#limitMs - this.#spentMs - current));
  }

  get expired(): boolean {
    return this.#done && this.#spentMs >= this.#limitMs;
  }

  /** Stops the timers; `onExpiry` is not called. */
  cancel(): void {
    this.#done = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const left = this.#limitMs - this.#spentMs;
    if (left <= 0) {
      this.#done = true;
      this.#timer = undefined;
      this.#options.onExpiry?.();
      return;
    }
    this.#stepMs = Math.min(left, STEP_MS);
    this.#stepStartedAt = this.#now();
    this.#timer = setTimeout(() => {
      // The timer says the step has passed, even when the clock shows a hair less.
      this.#spentMs += Math.max(this.#stepMs, this.#credit(this.#now() - this.#stepStartedAt));
      if (!this.#done) this.#arm();
    }, this.#stepMs);
    if (this.#options.unref) (this.#timer as { unref?: () => void }).unref?.();
  }

  /** The part of `elapsedMs` that counts: a timer that fired late counts its step, not the block that delayed it. */
  #credit(elapsedMs: number): number {
    return elapsedMs > this.#stepMs + LATE_TOLERANCE_MS ? this.#stepMs : Math.max(0, elapsedMs);
  }
}
