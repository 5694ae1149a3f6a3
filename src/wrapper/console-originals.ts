/** The console methods the bridge patches and the library itself writes through. */
export const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;
export type ConsoleMethod = (typeof CONSOLE_METHODS)[number];
export type ConsoleFn = (...args: unknown[]) => void;

/**
 * Snapshot of the console methods as they were before the bridge patched them. Taken when a bridge is
 * installed (or now, for diagnostics written before any bridge exists), so that on Lambda these are the
 * runtime's own methods, which keep its log capture whole.
 */
export function snapshotConsole(target: Console = console): Record<ConsoleMethod, ConsoleFn> {
  const snapshot = {} as Record<ConsoleMethod, ConsoleFn>;
  for (const method of CONSOLE_METHODS) {
    const fn = (target as unknown as Record<string, ConsoleFn | undefined>)[method];
    snapshot[method] = typeof fn === 'function' ? fn.bind(target) : () => {};
  }
  return snapshot;
}
