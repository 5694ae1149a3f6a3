/**
 * Conditions on the emulator's state that tests await: each is re-checked whenever the owner reports a
 * change (`changed()`), so a test waits for the mechanism itself (an extension registered, the process
 * frozen) rather than sleeping a fixed time and hoping it happened meanwhile, which a loaded machine breaks.
 * Every wait has a deadline, and its error names what did not happen.
 *
 * @example
 * const watch = new StateWatch();
 * const registered = watch.until(() => names.includes('x'), 'x registered');
 * names.push('x');
 * watch.changed(); // registered resolves
 */
export class StateWatch {
  readonly #checks = new Set<() => void>();

  /** Resolves once `condition()` holds (now or after a later `changed()`); rejects after `timeoutMs`. */
  until(condition: () => boolean, what: string, timeoutMs: number): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#checks.delete(check);
      };
      const check = () => {
        if (!condition()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${what} did not happen within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#checks.add(check);
    });
  }

  /** The state changed: re-check every pending condition. */
  changed(): void {
    for (const check of [...this.#checks]) check();
  }
}
