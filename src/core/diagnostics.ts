import { DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { snapshotConsole, type ConsoleFn } from './console-originals.ts';

const PREFIX = '[faas-observability]';

/**
 * Where the library's own messages go. It writes through console methods captured before any bridge was
 * installed, so a diagnostic never becomes a log record and never recurses through the bridge.
 */
export interface Diagnostics extends DiagLogger {
  /** Writes `message` once per process for a given `key` (avoids a storm of the same warning). */
  once(key: string, level: 'warn' | 'error', message: string): void;
}

const originals = snapshotConsole();

/**
 * Creates a diagnostics writer at `level`. `write` defaults to the console originals captured at load.
 *
 * @example
 * const diagnostics = createDiagnostics(DiagLogLevel.WARN);
 * diagnostics.warn('export failed', error);
 */
export function createDiagnostics(
  level: DiagLogLevel,
  write: { error: ConsoleFn; warn: ConsoleFn; info: ConsoleFn; debug: ConsoleFn } = originals,
): Diagnostics {
  const seen = new Set<string>();
  const at =
    (threshold: DiagLogLevel, fn: ConsoleFn, label: string) =>
    (message: string, ...args: unknown[]) => {
      if (level >= threshold) fn(`${PREFIX} ${label} ${message}`, ...args);
    };
  const diagnostics: Diagnostics = {
    error: at(DiagLogLevel.ERROR, write.error, 'error'),
    warn: at(DiagLogLevel.WARN, write.warn, 'warn'),
    info: at(DiagLogLevel.INFO, write.info, 'info'),
    debug: at(DiagLogLevel.DEBUG, write.debug, 'debug'),
    verbose: at(DiagLogLevel.VERBOSE, write.debug, 'verbose'),
    once(key, severity, message) {
      if (seen.has(key)) return;
      seen.add(key);
      diagnostics[severity](message);
    },
  };
  return diagnostics;
}
