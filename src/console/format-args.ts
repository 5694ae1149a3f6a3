import { isError, safeRead } from '../core/safe-read.ts';
import { inspect, Output, symbolText, type InspectMemo } from './inspect.ts';

/**
 * Formats console arguments with Node's `util.format` semantics (`%s %d %i %f %j %o %O %c %%`, the rest
 * appended with spaces) without `node:util`, so Lambda and edge share it. Never throws, and never builds
 * more than `maxLength` characters: a longer body ends with a visible truncation marker. `memo` collects the
 * inspections of logged objects' properties for the record's attributes.
 *
 * @example
 * formatArgs(['%s has %d items', 'cart', 3], 16384); // 'cart has 3 items'
 */
export function formatArgs(args: readonly unknown[], maxLength: number, memo?: InspectMemo): string {
  const out = new Output(maxLength);
  let next = 0;
  const first = args[0];
  if (typeof first === 'string' && args.length > 1) {
    next = 1;
    let start = 0;
    for (let i = 0; i < first.length - 1 && !out.full; i++) {
      if (first.charCodeAt(i) !== 37 /* % */) continue;
      const spec = first[i + 1]!;
      if (spec === '%') {
        out.push(first.slice(start, i + 1));
        start = i + 2;
        i++;
      } else if ('sdifjoOc'.includes(spec) && next < args.length) {
        out.push(first.slice(start, i));
        out.push(formatSpecifier(spec, args[next++], roomToOverflow(out), memo));
        start = i + 2;
        i++;
      }
    }
    out.push(first.slice(start));
  }
  for (let i = next; i < args.length && !out.full; i++) {
    if (i > 0) out.push(' ');
    const arg = args[i];
    out.push(typeof arg === 'string' ? arg : inspect(arg, { depth: 2, budget: roomToOverflow(out), memo }));
  }
  return out.full ? `${out.text}…[truncated: log body over ${maxLength} characters]` : out.text;
}

/**
 * The budget of an inspection written into `out`: one character past its room, so an inspection that does
 * not fit overflows `out` and the body gets its marker (cut exactly at the room, it would look complete).
 */
function roomToOverflow(out: Output): number {
  return out.budgetLeft() + 1;
}

function formatSpecifier(spec: string, arg: unknown, budget: number, memo: InspectMemo | undefined): string {
  switch (spec) {
    case 's':
      return formatString(arg, budget);
    case 'd':
      // A number needs no conversion (nor the guard a throwing valueOf needs): the common case, every call.
      if (typeof arg === 'number') return numberText(arg);
      return typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : numberText(safeRead(() => Number(arg), NaN));
    case 'i':
      return typeof arg === 'bigint' ? `${arg}n` : typeof arg === 'symbol' ? 'NaN' : String(safeRead(() => parseInt(String(arg), 10), NaN));
    case 'f':
      return typeof arg === 'symbol' ? 'NaN' : String(safeRead(() => parseFloat(String(arg)), NaN));
    case 'j':
      return formatJson(arg);
    case 'o':
      return inspect(arg, { depth: 4, budget, memo });
    case 'O':
      return inspect(arg, { depth: 2, budget, memo });
    default: // %c is CSS in browsers; Node drops it together with its argument
      return '';
  }
}

function formatString(arg: unknown, budget: number): string {
  if (typeof arg === 'bigint') return `${arg}n`;
  if (typeof arg === 'symbol') return symbolText(arg);
  if (typeof arg === 'number') return numberText(arg);
  if (typeof arg !== 'object' || arg === null) return String(arg);
  if (isError(arg) || !hasOwnToString(arg)) return inspect(arg, { depth: 0, budget });
  return safeRead(() => String(arg), '[toString threw]');
}

function hasOwnToString(value: object): boolean {
  return safeRead(() => {
    for (let proto: unknown = value; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      if (Object.getOwnPropertyDescriptor(proto as object, 'toString')) return true;
    }
    return false;
  }, false);
}

function formatJson(arg: unknown): string {
  try {
    return JSON.stringify(arg) ?? 'undefined';
  } catch (error) {
    const message = safeRead(() => (error as Error).message, '');
    return /circular/i.test(message) ? '[Circular]' : `[Unserializable: ${message}]`;
  }
}

function numberText(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}
