/**
 * Counts what could not take the normal path since it was last taken, so the wrapper can say it in one
 * line per invocation instead of one per failed request (no storm on stderr).
 */
export class DeliveryReport {
  spansLost = 0;
  logsToFallback = 0;
  logsToStdout = 0;
  readonly reasons = new Set<string>();

  note(reason: string): void {
    if (this.reasons.size < 5) this.reasons.add(reason);
  }

  /** Returns the counts and resets them; undefined when everything took the normal path. */
  take(): { spansLost: number; logsToFallback: number; logsToStdout: number; reasons: string[] } | undefined {
    if (this.spansLost === 0 && this.logsToFallback === 0 && this.logsToStdout === 0) return undefined;
    const snapshot = {
      spansLost: this.spansLost,
      logsToFallback: this.logsToFallback,
      logsToStdout: this.logsToStdout,
      reasons: [...this.reasons],
    };
    this.spansLost = 0;
    this.logsToFallback = 0;
    this.logsToStdout = 0;
    this.reasons.clear();
    return snapshot;
  }
}
