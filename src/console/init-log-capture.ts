import type { Logger, LogRecord } from '@opentelemetry/api';
import { installConsoleBridge, type ConsoleBridge } from './console-bridge.ts';
import type { Telemetry } from '../core/telemetry.ts';
import { DEFAULTS } from '../core/config/defaults.ts';
import { readBoolean, readEnum, readNumber, type Env } from '../core/config/env-readers.ts';
import type { ConsoleFormat } from '../core/config/options.ts';

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
  handOver(logger: Logger, format: ConsoleFormat, maxBodyLength: number): number;
}

/**
 * Captures console calls made while the function's module initialises — before `withObservability` runs,
 * since ES imports are evaluated first — so init logs are exported with the first flush, as they would be
 * had the wrapper existed. Only where a Lambda runtime is present (`AWS_LAMBDA_RUNTIME_API`), and only
 * unless the SDK or console capture is turned off by environment.
 *
 * @example
 * const capture = captureInitLogs(process.env);
 * capture?.handOver(logger, 'text', 16384);
 */
export function captureInitLogs(env: Env): InitLogCapture | undefined {
  const ignore = () => {};
  if (!env.AWS_LAMBDA_RUNTIME_API || readBoolean(env, 'OTEL_SDK_DISABLED', false, ignore)) return undefined;
  if (!readBoolean(env, 'FAAS_OBSERVABILITY_CAPTURE_CONSOLE', true, ignore)) return undefined;
  return startInitLogCapture(
    readEnum<ConsoleFormat>(env, 'FAAS_OBSERVABILITY_CONSOLE_FORMAT', ['text', 'json', 'off'], DEFAULTS.consoleFormat, ignore),
    readNumber(env, 'FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH', DEFAULTS.maxLogBodyLength, ignore, { min: 64, integer: true }),
  );
}

/**
 * Installs the console bridge with a buffer for a logger that does not exist yet (edge runtimes create
 * telemetry on the first request, when the `env` binding arrives).
 */
export function startInitLogCapture(format: ConsoleFormat, maxBodyLength: number): InitLogCapture {
  const buffer = new BufferingLogger();
  const bridge = installConsoleBridge({ logger: buffer, format, maxBodyLength });
  return {
    bridge,
    handOver(logger, format, maxBodyLength) {
      bridge.retarget({ logger, format, maxBodyLength });
      for (const record of buffer.records.splice(0)) logger.emit(record);
      return buffer.dropped;
    },
  };
}

/**
 * The console bridge of a telemetry setup: the init-log capture handed over to its logger (replaying what
 * init wrote), or a new bridge; none, and the capture removed, when console capture is off.
 */
export function bridgeConsole(telemetry: Telemetry, initCapture: InitLogCapture | undefined): ConsoleBridge | undefined {
  const { config, logger, diagnostics } = telemetry;
  if (!config.captureConsole) {
    initCapture?.bridge.uninstall();
    return undefined;
  }
  if (!initCapture) return installConsoleBridge({ logger, format: config.consoleFormat, maxBodyLength: config.maxLogBodyLength });
  const dropped = initCapture.handOver(logger, config.consoleFormat, config.maxLogBodyLength);
  if (dropped > 0) diagnostics.warn(`${dropped} console calls made during init were not kept (buffer full)`);
  return initCapture.bridge;
}
