import { SeverityNumber, type AnyValue, type Attributes, type AttributeValue, type LogRecord } from '@opentelemetry/api';
import type { ConsoleMethod } from '../core/console-originals.ts';
import { formatArgs } from './format-args.ts';
import { isError, safeRead } from '../core/safe-read.ts';
import { errorText, inspect, MEMO_DEPTH, type InspectMemo } from './inspect.ts';

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
/** Items an array attribute keeps, as many as the body shows of it. */
const MAX_ARRAY_ITEMS = 100;

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
  // Each logged object is inspected once: the body leaves the text of its properties for the attributes.
  const memo: InspectMemo | undefined = args.some(isObject) ? new Map() : undefined;
  const body = bodyOf(method, args, maxBodyLength, memo);
  const attributes: Attributes = {};
  let sawError = false;
  for (const arg of args) {
    if (!isObject(arg)) continue;
    // A plain object is never an Error, and the prototype is read once for both questions.
    if (isPlainObject(arg)) addObjectAttributes(attributes, arg, memo);
    else if (!sawError && isError(arg)) {
      sawError = true;
      addException(attributes, arg);
    }
  }
  return { severityNumber, severityText, body, attributes, hasError: sawError };
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** A log record plus whether an argument was an Error (the console line keeps Node's own rendering then). */
export interface ConsoleLogRecord extends LogRecord {
  readonly hasError: boolean;
}

function bodyOf(method: ConsoleMethod, args: readonly unknown[], maxBodyLength: number, memo: InspectMemo | undefined): AnyValue {
  // console.dir and console.table print one value; the body is its inspection, not a format string.
  if (method === 'dir' || method === 'table') return inspect(args[0], { depth: 2, budget: maxBodyLength, memo });
  return formatArgs(args, maxBodyLength, memo);
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

function addObjectAttributes(attributes: Attributes, value: object, memo: InspectMemo | undefined): void {
  try {
    let count = Object.keys(attributes).length;
    for (const key of Object.keys(value)) {
      if (count++ >= MAX_ATTRIBUTES) return;
      const descriptor = Object.getOwnPropertyDescriptor(value, key);
      if (!descriptor || !('value' in descriptor)) continue; // getters are never run
      const attribute = toAttributeValue(descriptor.value, memo);
      if (attribute !== undefined) attributes[key] = attribute;
    }
  } catch {
    // a Proxy whose traps throw: the attributes read so far stay
  }
}

function toAttributeValue(value: unknown, memo: InspectMemo | undefined): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
      return capLength(value);
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
      if (Array.isArray(value)) {
        const array = arrayAttribute(value as unknown[]);
        if (array) return array;
      }
      // The value as the body shows it (a logged object's properties are written at MEMO_DEPTH).
      return (
        memo?.get(value as object)?.slice(0, MAX_ATTRIBUTE_LENGTH) ?? inspect(value, { depth: MEMO_DEPTH, budget: MAX_ATTRIBUTE_LENGTH })
      );
  }
}

/**
 * An array of strings or of numbers as an array attribute, capped: its first `MAX_ARRAY_ITEMS` items, each
 * string cut at the value length limit, which the OpenTelemetry attribute limits apply to each element of an
 * array of strings (https://opentelemetry.io/docs/specs/otel/common/#attribute-limits). Undefined for any
 * other array (it is inspected instead).
 */
function arrayAttribute(value: readonly unknown[]): string[] | number[] | undefined {
  const items = value.length > MAX_ARRAY_ITEMS ? value.slice(0, MAX_ARRAY_ITEMS) : value;
  if (items.every((item) => typeof item === 'number')) return items as number[];
  if (!items.every((item) => typeof item === 'string')) return undefined;
  return (items as string[]).map(capLength);
}

function capLength(text: string): string {
  return text.length > MAX_ATTRIBUTE_LENGTH ? `${text.slice(0, MAX_ATTRIBUTE_LENGTH)}…[truncated]` : text;
}
