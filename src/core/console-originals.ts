/**
 * The console methods the bridge patches and the library itself writes through. `fatal` exists only where
 * the Lambda runtime client added it (it does before the handler module loads); elsewhere it is skipped.
 */
export const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'fatal', 'dir', 'table'] as const;
export type ConsoleMethod = (typeof CONSOLE_METHODS)[number];
export type ConsoleFn = (...args: unknown[]) => void;

/** Where an installed bridge keeps the methods it replaced, so the library can always write beneath it. */
export const ORIGINALS = Symbol.for('faas-observability.console-originals');

/**
 * The console methods as they were before any bridge patched them: those an installed bridge replaced, the
 * current ones otherwise. On Lambda these are the runtime's own methods, which keep its log capture whole;
 * everywhere, what the library writes through them never becomes a log record.
 */
export function snapshotConsole(target: Console = console): Record<ConsoleMethod, ConsoleFn> {
  const snapshot = {} as Record<ConsoleMethod, ConsoleFn>;
  const beneath = (target as unknown as { [ORIGINALS]?: Partial<Record<ConsoleMethod, ConsoleFn>> })[ORIGINALS];
  for (const method of CONSOLE_METHODS) {
    const fn = beneath?.[method] ?? (target as unknown as Record<string, ConsoleFn | undefined>)[method];
    snapshot[method] = typeof fn === 'function' ? fn.bind(target) : () => {};
  }
  return snapshot;
}
