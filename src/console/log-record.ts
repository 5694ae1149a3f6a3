import { SeverityNumber, type AnyValue, type Attributes, type AttributeValue, type LogRecord } from '@opentelemetry/api';
import type { ConsoleMethod } from '../core/console-originals.ts';
import { formatArgs } from './format-args.ts';
import { isError, safeRead } from '../core/safe-read.ts';
import { errorText, inspect } from './inspect.ts';

// As the Lambda runtime client maps them (console.log is its console.info); dir/table print at INFO.
const SEVERITY: Record<ConsoleMethod, readonly [SeverityNumber, string]> = {
  log: [SeverityNumber.INFO, 'INFO'],
  info: [SeverityNumber.INFO, 'INFO'],
  dir: [SeverityNumber.INFO, 'INFO'],
  table: [SeverityNumber.INFO, 'INFO'],
  warn: [SeverityNumber.WARN, 'WARN'],
  error: [SeverityNumber.ERROR, 'ERROR'],
  debug: [SeverityNumber.DEBUG, 'DEBUG'],
  trace: [SeverityNumber.TRACE, 'TRACE'],
  fatal: [SeverityNumber.FATAL, 'FATAL'],
};

/** The severity number a console method's records get (`console.fatal`: FATAL, as the Lambda runtime has it). */
export function severityOf(method: ConsoleMethod): SeverityNumber {
  return SEVERITY[method][0];
}
const MAX_ATTRIBUTES = 64;
const MAX_ATTRIBUTE_LENGTH = 4096;

/**
 * Turns one console call into a log record: severity from the method, body formatted like `util.format`,
 * attributes from plain-object arguments (own enumerable data properties; getters are never run) and
 * `exception.*` from the first Error argument. Trace context comes from the active context at emit.
 *
 * @example
 * consoleCallToLogRecord('warn', ['slow call', { ms: 812 }], 16384);
 * // { severityNumber: 13, severityText: 'WARN', body: 'slow call { ms: 812 }', attributes: { ms: 812 }, hasError: false }
 */
export function consoleCallToLogRecord(method: ConsoleMethod, args: readonly unknown[], maxBodyLength: number): ConsoleLogRecord {
  const [severityNumber, severityText] = SEVERITY[method];
  const attributes: Attributes = {};
  let sawError = false;
  for (const arg of args) {
    if (typeof arg !== 'object' || arg === null) continue;
    // A plain object is never an Error, and the prototype is read once for both questions.
    if (isPlainObject(arg)) addObjectAttributes(attributes, arg);
    else if (!sawError && isError(arg)) {
      sawError = true;
      addException(attributes, arg);
    }
  }
  return { severityNumber, severityText, body: bodyOf(method, args, maxBodyLength), attributes, hasError: sawError };
}

/** A log record plus whether an argument was an Error (the console line keeps Node's own rendering then). */
export interface ConsoleLogRecord extends LogRecord {
  readonly hasError: boolean;
}

function bodyOf(method: ConsoleMethod, args: readonly unknown[], maxBodyLength: number): AnyValue {
  // console.dir and console.table print one value; the body is its inspection, not a format string.
  if (method === 'dir' || method === 'table') return inspect(args[0], { depth: 2, budget: maxBodyLength });
  return formatArgs(args, maxBodyLength);
}

function addException(attributes: Attributes, error: Error): void {
  attributes['exception.type'] = safeRead(() => String(error.name || error.constructor.name), 'Error');
  attributes['exception.message'] = safeRead(() => String(error.message), '');
  attributes['exception.stacktrace'] = errorText(error).slice(0, MAX_ATTRIBUTE_LENGTH * 4);
}

function isPlainObject(value: object): boolean {
  try {
    const proto: unknown = Object.getPrototypeOf(value);
    return (proto === null || proto === Object.prototype) && !Array.isArray(value);
  } catch {
    return false; // a Proxy whose getPrototypeOf trap throws
  }
}

function addObjectAttributes(attributes: Attributes, value: object): void {
  try {
    let count = Object.keys(attributes).length;
    for (const key of Object.keys(value)) {
      if (count++ >= MAX_ATTRIBUTES) return;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !('value' in descriptor)) continue; // getters are never run
      const attribute = toAttributeValue(descriptor.value);
      if (attribute !== undefined) attributes[key] = attribute;
    }
  } catch {
    // a Proxy whose traps throw: the attributes read so far stay
  }
}

function toAttributeValue(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > MAX_ATTRIBUTE_LENGTH ? `${value.slice(0, MAX_ATTRIBUTE_LENGTH)}…[truncated]` : value;
    case 'number':
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      if (value === null) return undefined;
      if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
      if (Array.isArray(value) && value.every((item) => typeof item === 'number')) return value as number[];
      return inspect(value, { depth: 2, budget: MAX_ATTRIBUTE_LENGTH });
  }
}
