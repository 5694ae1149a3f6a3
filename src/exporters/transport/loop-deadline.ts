// Timers advance in steps this long; a step's timer that fires later than the step plus the tolerance
// shows the event loop could not run it: that lateness is not counted.
const STEP_MS = 50;
const LATE_TOLERANCE_MS = 20;

export interface LoopDeadlineOptions {
  /** Called once when the time is spent; not called after `cancel()`. */
  readonly onExpiry?: () => void;
  /** `unref()` the timers: for a deadline that only counts, whose expiry nothing waits for. */
  readonly unref?: boolean;
}

export interface LoopDeadline {
  /** What is left of the limit, in whole ms of event-loop time; 0 once spent. */
  readonly remainingMs: number;
  readonly expired: boolean;
  /** Stops the timers; `onExpiry` is not called. */
  cancel(): void;
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
 * const deadline = startLoopDeadline(450, { onExpiry: () => request.destroy(new Error('export timed out')) });
 * request.on('close', () => deadline.cancel());
 */
export function startLoopDeadline(limitMs: number, options: LoopDeadlineOptions = {}): LoopDeadline {
  let spentMs = 0;
  let stepMs = 0;
  let stepStartedAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;
  // The part of the step's elapsed time that counts: a timer that fired late counts its step, not the block
  // that delayed it.
  const credit = (elapsedMs: number) => (elapsedMs > stepMs + LATE_TOLERANCE_MS ? stepMs : Math.max(0, elapsedMs));
  const arm = (): void => {
    const left = limitMs - spentMs;
    if (left <= 0) {
      done = true;
      return options.onExpiry?.();
    }
    stepMs = Math.min(left, STEP_MS);
    stepStartedAt = performance.now();
    timer = setTimeout(() => {
      // The timer says the step has passed, even when the clock shows a hair less.
      spentMs += Math.max(stepMs, credit(performance.now() - stepStartedAt));
      if (!done) arm();
    }, stepMs);
    if (options.unref) (timer as { unref?: () => void }).unref?.();
  };
  arm();
  return {
    get remainingMs() {
      const current = done ? 0 : credit(performance.now() - stepStartedAt);
      return Math.max(0, Math.ceil(limitMs - spentMs - current));
    },
    get expired() {
      return done && spentMs >= limitMs;
    },
    cancel() {
      done = true;
      clearTimeout(timer);
    },
  };
}
