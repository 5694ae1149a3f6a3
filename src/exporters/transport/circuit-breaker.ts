export interface CircuitBreakerOptions {
  /** First back-off after the endpoint fails, in ms; doubled after each failed probe. */
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly now?: () => number;
}

/**
 * Keeps a dead endpoint from costing every invocation its timeout. Closed: requests go through. After a
 * failure it opens for a back-off during which requests are refused at once; then one probe is let through
 * (half-open): success closes it, failure reopens it with twice the back-off (up to `maxBackoffMs`).
 * Only outages count (refused, timed out, 5xx, 429): a rejected batch says nothing about the endpoint.
 *
 * @example
 * if (breaker.allow()) { const ok = await send(); ok ? breaker.success() : breaker.failure('503'); }
 */
export class CircuitBreaker {
  readonly #initial: number;
  readonly #max: number;
  readonly #now: () => number;
  #backoff = 0;
  #openUntil = 0;
  #probing = false;
  #reason = '';

  constructor(options: CircuitBreakerOptions = {}) {
    this.#initial = options.initialBackoffMs ?? 5_000;
    this.#max = options.maxBackoffMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a request may go now; in the half-open state only the first caller gets `true`. */
  allow(): boolean {
    if (this.#backoff === 0) return true;
    if (this.#now() < this.#openUntil || this.#probing) return false;
    this.#probing = true;
    return true;
  }

  success(): void {
    this.#backoff = 0;
    this.#probing = false;
    this.#reason = '';
  }

  failure(reason: string): void {
    // Requests sent before the breaker opened (spans and logs flush in parallel) report the same outage:
    // only the first failure or a failed probe moves the back-off.
    if (this.#backoff !== 0 && !this.#probing) return;
    this.#backoff = this.#backoff === 0 ? this.#initial : Math.min(this.#max, this.#backoff * 2);
    this.#openUntil = this.#now() + this.#backoff;
    this.#probing = false;
    this.#reason = reason;
  }

  /** For diagnostics: why it is open and when it probes next. */
  get state(): { readonly open: boolean; readonly reason: string; readonly probeInMs: number } {
    return { open: this.#backoff !== 0, reason: this.#reason, probeInMs: Math.max(0, this.#openUntil - this.#now()) };
  }
}
