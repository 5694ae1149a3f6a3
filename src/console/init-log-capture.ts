import type { Logger, LogRecord } from '@opentelemetry/api';
import { installConsoleBridge, type BridgeTarget, type ConsoleBridge } from './console-bridge.ts';
import type { Telemetry } from '../core/telemetry.ts';
import type { Env } from '../core/config/env-readers.ts';
import { configFromEnvironment } from '../core/config/environment-config.ts';

// Init code can log in a loop; past this many records the oldest are kept and the rest counted.
const MAX_BUFFERED = 1000;

/** Holds log records until the real logger exists, with the time they were written. */
class BufferingLogger implements Logger {
  readonly records: LogRecord[] = [];
  dropped = 0;
  emit(record: LogRecord): void {
    if (this.records.length >= MAX_BUFFERED) this.dropped++;
    else this.records.push({ ...record, timestamp: record.timestamp ?? Date.now() });
  }
  enabled(): boolean {
    return true;
  }
}

export interface InitLogCapture {
  readonly bridge: ConsoleBridge;
  /** Points the bridge at the real logger and replays what init wrote; returns how many were dropped. */
  handOver(target: BridgeTarget): number;
}

/**
 * Captures console calls made while the function's module initialises — before `withObservability` runs,
 * since ES imports are evaluated first — so init logs are exported with the first flush, as they would be
 * had the wrapper existed. Only where a Lambda runtime is present (`AWS_LAMBDA_RUNTIME_API`), and only
 * unless the SDK or console capture is turned off by environment.
 *
 * It starts before any options exist, so its settings are the environment's alone (`configFromEnvironment`:
 * `resolveConfig`'s readers and defaults, resolved once for the preload and the capture; the setup's own
 * resolution prints the warnings). An explicit `consoleFormat` option arrives at hand-over.
 *
 * @example
 * const capture = captureInitLogs(process.env);
 * capture?.handOver({ logger, format: 'text', maxBodyLength: 16384 });
 */
export function captureInitLogs(env: Env, writeLine?: (line: string) => void): InitLogCapture | undefined {
  if (!env.AWS_LAMBDA_RUNTIME_API) return undefined;
  const config = configFromEnvironment(env);
  if (config.disabled || !config.captureConsole) return undefined;
  return startInitLogCapture(
    { format: config.consoleFormat, minSeverity: config.consoleMinSeverity, maxBodyLength: config.maxLogBodyLength },
    writeLine,
  );
}

/**
 * Installs the console bridge with a buffer for a logger that does not exist yet (edge runtimes create
 * telemetry on the first request, when the `env` binding arrives).
 */
export function startInitLogCapture(settings: Omit<BridgeTarget, 'logger'>, writeLine?: (line: string) => void): InitLogCapture {
  const buffer = new BufferingLogger();
  const bridge = installConsoleBridge({ logger: buffer, ...settings, writeLine });
  return {
    bridge,
    handOver(target) {
      const { logger } = target;
      bridge.retarget(target);
      for (const record of buffer.records.splice(0)) logger.emit(record);
      return buffer.dropped;
    },
  };
}

/**
 * The console bridge of a telemetry setup: the init-log capture handed over to its logger (replaying what
 * init wrote), or a new bridge; none, and the capture removed, when console capture is off.
 */
export function bridgeConsole(
  telemetry: Telemetry,
  initCapture: InitLogCapture | undefined,
  writeLine?: (line: string) => void,
): ConsoleBridge | undefined {
  const { config, logger, diagnostics, uids } = telemetry;
  if (!config.captureConsole) {
    initCapture?.bridge.uninstall();
    return undefined;
  }
  const target = {
    logger,
    uids,
    format: config.consoleFormat,
    maxBodyLength: config.maxLogBodyLength,
    minSeverity: config.consoleMinSeverity,
  };
  if (!initCapture) return installConsoleBridge({ ...target, writeLine });
  const dropped = initCapture.handOver(target);
  if (dropped > 0) diagnostics.warn(`${dropped} console calls made during init were not kept (buffer full)`);
  return initCapture.bridge;
}
