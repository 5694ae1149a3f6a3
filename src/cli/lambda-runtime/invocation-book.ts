import { randomUUID } from 'node:crypto';
import type { InvocationResult, InvocationStatus, InvokePhase, Pending } from './function-process.ts';

/**
 * The Runtime API emulator's invocation bookkeeping: the queued events, the invocation the runtime works on,
 * the open invoke phase (which outlives the response while extensions work), and the finished phases. It
 * knows nothing of the process: runtime-api-server.ts freezes, thaws and kills, and tells it what happened.
 */
export class InvocationBook {
  readonly #queue: Pending[] = [];
  #phaseWaiters: (() => void)[] = [];
  /** The invocation the runtime works on (no response or error posted yet). */
  current: Pending | undefined;
  /** The invocation whose phase is open (its response may already be posted). */
  phase: Pending | undefined;
  /** Every finished invoke phase, in order. */
  readonly phases: InvokePhase[] = [];

  /** Queues one event; the promise resolves when `finish` reports its result. */
  enqueue(event: unknown, traceId: string | undefined): Promise<InvocationResult> {
    return new Promise((resolve) => this.#queue.push({ requestId: randomUUID(), event, traceId, resolve }));
  }

  /** Whether an event waits and no invocation or phase is open, so the next one may start. */
  canStart(): boolean {
    return !this.current && !this.phase && this.#queue.length > 0;
  }

  /** Takes the next queued event as the current invocation, its phase open. */
  begin(): Pending {
    const pending = this.#queue.shift()!;
    this.current = pending;
    this.phase = pending;
    return pending;
  }

  /** The init failed: the current invocation, or else the next queued one, gets the init error. */
  failInit(payload: string, processNumber: number): void {
    const pending = this.current ?? this.#queue.shift();
    if (!pending) return;
    this.current = pending;
    this.finish('init-error', payload, processNumber);
  }

  /** Resolves the current invocation's caller; only a response or an error leaves its phase open. */
  finish(status: InvocationStatus, payload: string, processNumber: number): void {
    const pending = this.current;
    if (!pending) return;
    this.current = undefined;
    const now = performance.now();
    pending.respondedAt = now;
    pending.resolve({
      requestId: pending.requestId,
      status,
      payload,
      durationMs: now - (pending.started ?? now),
      respondedAt: now,
      processNumber,
    });
    if (status !== 'success' && status !== 'error') this.endPhase(pending, false);
  }

  /** Closes the invoke phase: after a response once the runtime and every extension ask again, or on a reset. */
  endPhase(pending: Pending | undefined, completed: boolean): void {
    if (!pending || this.phase !== pending) return;
    this.phase = undefined;
    clearTimeout(pending.deadlineTimer);
    for (const resolve of this.#phaseWaiters.splice(0)) resolve();
    if (!completed || pending.respondedAt === undefined || pending.started === undefined) return;
    const now = performance.now();
    this.phases.push({
      requestId: pending.requestId,
      respondedAt: pending.respondedAt,
      responseMs: pending.respondedAt - pending.started,
      billedMs: now - pending.started,
    });
  }

  /** Resolves once no invoke phase is open. */
  async idle(): Promise<void> {
    if (this.phase) await new Promise<void>((resolve) => this.#phaseWaiters.push(resolve));
  }
}
