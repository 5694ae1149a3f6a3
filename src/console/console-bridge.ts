import { trace, type Attributes, type Logger, type SpanContext } from '@opentelemetry/api';
import { CONSOLE_METHODS, ORIGINALS, type ConsoleFn, type ConsoleMethod } from '../core/console-originals.ts';
import { consoleLineArgs, type LineKind } from './console-line.ts';
import { invocationIdOf } from '../core/invocation-context.ts';
import { activeContext } from '../core/process-owner.ts';
import { consoleCallToLogRecord, severityOf, type ConsoleLogRecord } from './log-record.ts';
import { runtimeJsonLine } from './runtime-json-line.ts';
import type { ConsoleFormat } from '../core/config/options.ts';
import type { RecordUidProcessor } from '../core/record-uid-processor.ts';
import { LOG_RECORD_UID } from '../exporters/record-uid.ts';

export interface ConsoleBridgeOptions {
  readonly logger: Logger;
  readonly format: ConsoleFormat;
  readonly maxBodyLength: number;
  /** Calls below this severity become neither a record nor a line (Lambda's `AWS_LAMBDA_LOG_LEVEL`); default: none. */
  readonly minSeverity?: number;
  /** The console to patch; the global one by default. */
  readonly target?: Console;
  /**
   * Where `lambda-json` lines go: stdout on Lambda, beside the runtime client's console, which would wrap
   * them in its own JSON object. Default: the original console method.
   */
  readonly writeLine?: (line: string) => void;
  /**
   * Stamps records in a span with their timestamp and `log.record.uid`, sent with the attributes (the SDK
   * copies those once; the processor setting it after emit would make the SDK copy it again).
   */
  readonly uids?: Pick<RecordUidProcessor, 'stamp'>;
  /** Counts a call that could not become a record (its line is printed all the same). */
  readonly notEmitted?: () => void;
  /** Redacts the printed line too (its record is redacted by the logger's processors in any case); none: as written. */
  readonly redactLine?: (line: string) => string;
}

export type BridgeTarget = Pick<
  ConsoleBridgeOptions,
  'logger' | 'format' | 'maxBodyLength' | 'minSeverity' | 'uids' | 'notEmitted' | 'redactLine'
>;

export interface ConsoleBridge {
  /**
   * Sends later calls to another logger with another format (the init-log buffer hands over this way), or
   * to the target a function finds at each call (the setup whose invocation runs); none: the line only.
   */
  retarget(next: BridgeTarget | (() => BridgeTarget | undefined)): void;
  /** Restores the methods this bridge still owns; methods patched over since are left to their owner. */
  uninstall(): void;
}

const INSTALLED = Symbol.for('faas-observability.console-bridge');
type Patched = Console & { [INSTALLED]?: ConsoleBridge; [ORIGINALS]?: Partial<Record<ConsoleMethod, ConsoleFn>> };

/**
 * Patches `console.*` so every call becomes an OpenTelemetry log record carrying the active trace
 * context (the process's context, not the API's), while the line still goes to the original method.
 * Installing twice returns the first bridge: setups share the one the process owner installed, which sends
 * each call to the setup whose invocation runs (`retarget` with a function).
 * A re-entrancy guard sends calls made while a record is being built (a logging getter, the SDK itself)
 * straight to the original, and a failure inside the bridge never loses the line.
 *
 * @example
 * const bridge = installConsoleBridge({ logger, format: 'text', maxBodyLength: 16384 });
 * console.log('hello'); // a log record, and "hello trace_id=… span_id=…" on stdout
 * bridge.uninstall();
 */
export function installConsoleBridge(options: ConsoleBridgeOptions): ConsoleBridge {
  const target = (options.target ?? console) as Patched;
  const existing = target[INSTALLED];
  if (existing) return existing;

  const slot = target as unknown as Record<string, ConsoleFn | undefined>;
  const patched = new Map<ConsoleMethod, ConsoleFn>();
  let resolve: () => BridgeTarget | undefined = () => options;
  let active = true;
  let busy = false;

  const originals = new Map<ConsoleMethod, ConsoleFn>();
  for (const method of CONSOLE_METHODS) {
    const original = slot[method];
    if (typeof original !== 'function') continue;
    originals.set(method, original);
    const severity = severityOf(method);
    const replacement: ConsoleFn = (...args) => {
      const current = active && !busy ? resolve() : undefined;
      if (!current) return original.apply(target, args);
      // Below Lambda's log level the runtime client prints nothing; without it, neither do we.
      if (severity < (current.minSeverity ?? 0)) return;
      busy = true;
      let line: readonly unknown[];
      try {
        line = emitRecord(current, method, args);
      } catch {
        line = args; // telemetry failed: the line must still reach stdout, and the loss is counted
        current.notEmitted?.();
      } finally {
        busy = false;
      }
      if (current.format === 'lambda-json' && options.writeLine && line !== args) options.writeLine(line[0] as string);
      else original.apply(target, line as unknown[]);
    };
    patched.set(method, replacement);
    slot[method] = replacement;
  }

  const bridge: ConsoleBridge = {
    retarget(next) {
      resolve = typeof next === 'function' ? next : () => next;
    },
    uninstall() {
      active = false;
      for (const [method, replacement] of patched) {
        if (slot[method] === replacement) slot[method] = originals.get(method);
      }
      if (target[INSTALLED] === bridge) {
        delete target[INSTALLED];
        delete target[ORIGINALS];
      }
    },
  };
  target[INSTALLED] = bridge;
  target[ORIGINALS] = Object.fromEntries(originals);
  return bridge;
}

/** Emits the log record of one console call and returns the arguments of its stdout line. */
function emitRecord(current: BridgeTarget, method: ConsoleMethod, args: unknown[]): readonly unknown[] {
  const record = consoleCallToLogRecord(method, args, current.maxBodyLength);
  // The process's context, not the API's: correlation must not depend on the API globals being registered.
  const active = activeContext();
  // The SDK would take the span from the API's context otherwise.
  record.context = active;
  const attributes = record.attributes as Attributes;
  const invocationId = invocationIdOf(active);
  // Which invocation wrote the line: a Loki query or a de-duplication can use it without the span.
  if (invocationId !== undefined) attributes['faas.invocation_id'] ??= invocationId;
  const span = trace.getSpanContext(active);
  const stamp = current.uids?.stamp(span, Date.now());
  if (stamp) {
    record.timestamp = stamp.hrTime;
    // A json line prints these attributes afterwards, and the uid was never among them: it gets a copy.
    (current.format === 'json' ? (record.attributes = { ...attributes }) : attributes)[LOG_RECORD_UID] = stamp.uid;
  }
  current.logger.emit(record);
  record.attributes = attributes;
  const line =
    current.format === 'lambda-json'
      ? [runtimeJsonLine(args, record, span, invocationId)]
      : consoleLineArgs(current.format, args, record, span, lineKind(method, record, current.maxBodyLength));
  return current.redactLine ? [redactedLine(line, record, current.format === 'text' ? span : undefined, current.redactLine)] : line;
}

/** The line as one redacted string: the line itself when it is one, else the record's body (and the ids it would get). */
function redactedLine(
  line: readonly unknown[],
  record: ConsoleLogRecord,
  span: SpanContext | undefined,
  redact: (line: string) => string,
): string {
  if (line.length === 1 && typeof line[0] === 'string') return redact(line[0]);
  const ids = span ? ` trace_id=${span.traceId} span_id=${span.spanId}` : '';
  return redact(`${typeof record.body === 'string' ? record.body : ''}${ids}`);
}

function lineKind(method: ConsoleMethod, record: ConsoleLogRecord, maxBodyLength: number): LineKind {
  // console.dir/table take options, not values to print: appending the trace id would change their output.
  if (method === 'dir' || method === 'table') return 'untouched';
  const whole = typeof record.body === 'string' && record.body.length <= maxBodyLength;
  return whole && !record.hasError ? 'preformatted' : 'args';
}
