import type { Logger, LogRecord } from '@opentelemetry/api';
import { installConsoleBridge, type BridgeTarget } from './console-bridge.ts';
import { Redactor } from '../core/redaction/redactor.ts';
import type { Telemetry } from '../core/telemetry.ts';
import type { Env } from '../core/config/env-readers.ts';
import { configFromEnvironment } from '../core/config/environment-config.ts';
import { setupOf } from '../core/invocation-context.ts';
import { holdHook, releaseHooks } from '../core/process-owner.ts';

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
  /** Points the calls made outside any setup at the real logger and replays what init wrote; returns how many were dropped. */
  handOver(target: BridgeTarget): number;
  /** Lets go of the console: the capture ends, and the console is restored unless a setup still holds it. */
  end(): void;
}

// The process's init capture: one per process (per isolate), whoever starts it; the first setup takes it.
let pending: { readonly buffer: BufferingLogger; target: BridgeTarget } | undefined;
// The holder of the console for the Lambda capture (edge observabilities hold it with a token of their own).
const LAMBDA_CAPTURE = {};

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
  // With FAAS_OBSERVABILITY_REDACT_STDOUT the lines printed during init are redacted too (the records always are).
  const redactor = config.redaction?.stdout ? new Redactor(config.redaction) : undefined;
  return startInitLogCapture(
    {
      format: config.consoleFormat,
      minSeverity: config.consoleMinSeverity,
      maxBodyLength: config.maxLogBodyLength,
      redactLine: redactor && ((line) => redactor.text(line)),
    },
    writeLine,
  );
}

/**
 * Installs the console bridge with a buffer for a logger that does not exist yet (edge runtimes create
 * telemetry on the first request, when the `env` binding arrives). One capture per process: a second call
 * while one is pending shares it, with `holder` (a token of the caller's) holding the console too.
 */
export function startInitLogCapture(
  settings: Omit<BridgeTarget, 'logger'>,
  writeLine?: (line: string) => void,
  holder: object = LAMBDA_CAPTURE,
): InitLogCapture {
  if (!pending) {
    const buffer = new BufferingLogger();
    pending = { buffer, target: { logger: buffer, ...settings } };
  }
  const capture = pending;
  holdConsole(holder, writeLine);
  return {
    handOver(target) {
      capture.target = target;
      for (const record of capture.buffer.records.splice(0)) target.logger.emit(record);
      return capture.buffer.dropped;
    },
    end: () => releaseHooks(holder),
  };
}

/**
 * Holds the process's console bridge for a setup: installed by the first holder, it sends each call to the
 * setup whose invocation runs (outside any invocation: the first setup attached, or the init capture
 * before any setup exists). Returns nothing: the setup's detach (telemetry shutdown) lets it go.
 */
function holdConsole(holder: object, writeLine: ((line: string) => void) | undefined): void {
  holdHook('console', holder, () => {
    const bridge = installConsoleBridge({ logger: { emit() {}, enabled: () => false }, format: 'text', maxBodyLength: 0, writeLine });
    bridge.retarget(() => {
      const setup = setupOf<Telemetry>();
      return setup ? targetOf(setup) : pending?.target;
    });
    return () => {
      pending = undefined;
      bridge.uninstall();
    };
  });
}

const targets = new WeakMap<Telemetry, BridgeTarget | null>();

/** What a setup's console calls become, built once per setup; none when it does not capture the console. */
function targetOf(telemetry: Telemetry): BridgeTarget | undefined {
  let target = targets.get(telemetry);
  if (target === undefined) {
    const { config, logger, uids } = telemetry;
    target = config.captureConsole
      ? {
          logger,
          uids,
          format: config.consoleFormat,
          maxBodyLength: config.maxLogBodyLength,
          minSeverity: config.consoleMinSeverity,
          notEmitted: () => telemetry.countNotEmitted(1),
          redactLine: telemetry.redactLine,
        }
      : null;
    targets.set(telemetry, target);
  }
  return target ?? undefined;
}

/**
 * Gives a setup the console: it holds the process's bridge (when it captures the console) and, as the first
 * setup, takes the init capture (replaying what init wrote into its logger). The Lambda capture lets go of
 * the console then: from now on the setups hold it, and the last one to shut down restores it.
 */
export function bridgeConsole(telemetry: Telemetry, writeLine?: (line: string) => void): void {
  const { config, diagnostics } = telemetry;
  if (config.captureConsole) holdConsole(telemetry, writeLine);
  const capture = pending;
  pending = undefined;
  const target = targetOf(telemetry);
  if (capture && target) {
    for (const record of capture.buffer.records.splice(0)) target.logger.emit(record);
    if (capture.buffer.dropped > 0)
      diagnostics.warn(`${capture.buffer.dropped} console calls made during init were not kept (buffer full)`);
  }
  releaseHooks(LAMBDA_CAPTURE);
}

/** Ends the process's init capture (telemetry is off): the console is restored unless a setup holds it. */
export function endInitCapture(): void {
  pending = undefined;
  releaseHooks(LAMBDA_CAPTURE);
}
