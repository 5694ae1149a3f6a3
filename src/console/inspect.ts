import { safeMessage, safeRead } from '../core/safe-read.ts';

/**
 * A small, defensive `util.inspect` for log bodies that runs without `node:util` (edge runtimes too).
 * It never invokes getters, survives throwing `toString`s, Proxies, cycles, BigInt, Symbols and
 * null-prototype objects, and stops writing once `budget` characters are spent.
 */
export interface InspectOptions {
  /** Nesting depth shown before `[Object]`; Node's default is 2. */
  readonly depth: number;
  /** Most characters written; the caller marks the cut. */
  readonly budget: number;
  /**
   * Collects the text of each object written at depth `MEMO_DEPTH` (a property of a logged object), so the
   * log record's attributes reuse it instead of inspecting the same value again.
   */
  readonly memo?: InspectMemo;
}

/** Inspections already written, by object, at depth `MEMO_DEPTH`. */
export type InspectMemo = Map<object, string>;

/** The depth the memo is kept at: the one a logged object's properties are written at, and attributes use. */
export const MEMO_DEPTH = 1;

const MAX_ITEMS = 100;
const MAX_NESTED_STRING = 10_000;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** %TypedArray%, the constructor every typed array (and Buffer) inherits from. */
const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => object;

export function inspect(value: unknown, options: InspectOptions): string {
  const out = new Output(options.budget, options.memo);
  write(out, value, options.depth, [], true);
  return out.text;
}

/** Collects text up to a budget; `full` turns true once the budget is spent and writers stop early. */
export class Output {
  text = '';
  full = false;
  readonly #budget: number;
  readonly memo: InspectMemo | undefined;
  constructor(budget: number, memo?: InspectMemo) {
    this.#budget = budget;
    this.memo = memo;
  }
  push(part: string): void {
    if (this.full) return;
    const room = this.#budget - this.text.length;
    if (part.length > room) {
      this.text += part.slice(0, Math.max(0, room));
      this.full = true;
    } else this.text += part;
  }
  budgetLeft(): number {
    return Math.max(0, this.#budget - this.text.length);
  }
}

function write(out: Output, value: unknown, depth: number, seen: object[], top: boolean): void {
  if (out.full) return;
  switch (typeof value) {
    case 'string':
      return out.push(top ? value : quote(value));
    case 'bigint':
      return out.push(`${value}n`);
    case 'symbol':
      return out.push(symbolText(value));
    case 'function':
      return out.push(functionText(value as (...args: never[]) => unknown));
    case 'number':
      return out.push(Object.is(value, -0) ? '-0' : String(value));
    case 'object':
      if (value === null) return out.push('null');
      return writeObject(out, value, depth, seen);
    default:
      return out.push(String(value));
  }
}

function writeObject(out: Output, value: object, depth: number, seen: object[]): void {
  // The objects being written, outermost first: a few at most (depth 2), so a list beats a Set.
  if (seen.includes(value)) return out.push('[Circular]');
  const at = seen.push(value) - 1;
  try {
    writeKnownObject(out, value, depth, seen);
  } catch (error) {
    // Proxies with throwing traps and exotic host objects end here instead of in the user's handler.
    out.push(`[Uninspectable: ${safeMessage(error)}]`);
  }
  seen.length = at;
}

function writeKnownObject(out: Output, value: object, depth: number, seen: object[]): void {
  const proto: unknown = Object.getPrototypeOf(value);
  // The common case first: a plain object (or a null-prototype one) is none of the kinds below.
  if (proto === Object.prototype || proto === null) return writePlain(out, value, proto, depth, seen);
  if (value instanceof Error) return out.push(errorText(value));
  if (value instanceof Date) return out.push(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  if (value instanceof RegExp) return out.push(String(value));
  if (value instanceof Promise) return out.push('Promise { <unknown> }');
  if (value instanceof WeakMap || value instanceof WeakSet) return out.push(`${tagOf(value)} { <items unknown> }`);
  if (Array.isArray(value)) return writeList(out, '', '[', ']', listOf(value), depth, seen);
  // Typed arrays (Buffers too) and Sets are read only as far as they are printed: copying a 10 MB Buffer
  // into an array to show 100 bytes cost seconds and hundreds of MB.
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const items = listOf(value as unknown as ArrayLike<unknown>);
    return writeList(out, `${tagOf(value)}(${items.length}) `, '[', ']', items, depth, seen);
  }
  // Not a view but a typed array's descendant: a Proxy of one. Its keys are every index (Object.keys of a
  // Proxy of a 10 MB Buffer lists 10 million), and its length getter refuses the Proxy: named, not walked.
  if (value instanceof TypedArray) return out.push(`${constructorLabel(proto)}[Proxy]`);
  if (value instanceof Map) return writeMap(out, value, depth, seen);
  if (value instanceof Set) return writeList(out, `Set(${value.size}) `, '{', '}', setItems(value), depth, seen);
  writePlain(out, value, proto, depth, seen);
}

/** A collection's size and its items in order, read one at a time (`at` is called with 0, 1, 2, …). */
interface Items {
  readonly length: number;
  at(index: number): unknown;
}

function listOf(list: ArrayLike<unknown>): Items {
  return { length: list.length, at: (index) => list[index] };
}

function setItems(set: Set<unknown>): Items {
  // Set.prototype's own iterator (a subclass may override it), stopped after the items printed.
  const iterator = Set.prototype.values.call(set);
  return { length: set.size, at: () => iterator.next().value };
}

function writeList(out: Output, prefix: string, open: string, close: string, items: Items, depth: number, seen: object[]): void {
  if (items.length === 0) return out.push(`${prefix}${open}${close}`);
  if (depth < 0) return out.push(prefix === '' ? '[Array]' : `[${prefix.trim()}]`);
  out.push(`${prefix}${open} `);
  const shown = Math.min(items.length, MAX_ITEMS);
  for (let i = 0; i < shown && !out.full; i++) {
    if (i > 0) out.push(', ');
    write(out, items.at(i), depth - 1, seen, false);
  }
  if (items.length > shown) out.push(`, ... ${items.length - shown} more items`);
  out.push(` ${close}`);
}

function writeMap(out: Output, map: Map<unknown, unknown>, depth: number, seen: object[]): void {
  if (map.size === 0) return out.push('Map(0) {}');
  if (depth < 0) return out.push('[Map]');
  out.push(`Map(${map.size}) { `);
  let i = 0;
  for (const [key, item] of map) {
    if (out.full) return;
    if (i++ >= MAX_ITEMS) return out.push(`, ... ${map.size - MAX_ITEMS} more items }`);
    if (i > 1) out.push(', ');
    write(out, key, depth - 1, seen, false);
    out.push(' => ');
    write(out, item, depth - 1, seen, false);
  }
  out.push(' }');
}

function writePlain(out: Output, value: object, proto: unknown, depth: number, seen: object[]): void {
  const label = proto === null ? '[Object: null prototype] ' : constructorLabel(proto);
  // One pass over the own enumerable keys, reading descriptors so user getters never run (they can throw,
  // loop or have side effects); this is the hot path of every console call with an object argument.
  // Object.keys then the symbols is Reflect.ownKeys' order, and several times faster than it.
  let shown = 0;
  let hidden = 0;
  const keys: (string | symbol)[] = Object.keys(value);
  const symbols = Object.getOwnPropertySymbols(value);
  if (symbols.length > 0) keys.push(...symbols);
  for (const key of keys) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (!descriptor?.enumerable) continue;
    if (shown === 0) {
      if (depth < 0) return out.push(label === '' ? '[Object]' : `[${label.trim()}]`);
      out.push(`${label}{ `);
    }
    if (shown >= MAX_ITEMS) {
      hidden++;
      continue;
    }
    if (out.full) return;
    out.push(shown++ === 0 ? `${keyText(key)}: ` : `, ${keyText(key)}: `);
    if ('value' in descriptor) writeProperty(out, descriptor.value, depth - 1, seen);
    else out.push(descriptor.get && descriptor.set ? '[Getter/Setter]' : descriptor.get ? '[Getter]' : '[Setter]');
  }
  if (shown === 0) return out.push(`${label}{}`);
  if (hidden > 0) out.push(`, ... ${hidden} more properties`);
  out.push(' }');
}

/** A property's value; an object at the memo depth leaves its text in the memo for the attributes. */
function writeProperty(out: Output, value: unknown, depth: number, seen: object[]): void {
  if (out.memo === undefined || depth !== MEMO_DEPTH || typeof value !== 'object' || value === null) {
    return write(out, value, depth, seen, false);
  }
  const start = out.text.length;
  write(out, value, depth, seen, false);
  if (!out.full) out.memo.set(value, out.text.slice(start));
}

function constructorLabel(proto: unknown): string {
  if (proto === Object.prototype) return '';
  const ctor = Object.getOwnPropertyDescriptor(proto as object, 'constructor')?.value as { name?: unknown } | undefined;
  const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? `${name} ` : '';
}

function keyText(key: string | symbol): string {
  if (typeof key === 'symbol') return symbolText(key);
  return IDENTIFIER.test(key) ? key : quote(key);
}

function quote(text: string): string {
  const cut =
    text.length > MAX_NESTED_STRING ? `${text.slice(0, MAX_NESTED_STRING)}... ${text.length - MAX_NESTED_STRING} more characters` : text;
  return `'${cut.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function tagOf(value: object): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

export function symbolText(symbol: symbol): string {
  return `Symbol(${symbol.description ?? ''})`;
}

function functionText(fn: (...args: never[]) => unknown): string {
  const name = safeRead(() => fn.name, '');
  const isClass = safeRead(() => Function.prototype.toString.call(fn).startsWith('class'), false);
  return isClass ? `[class ${name || '(anonymous)'}]` : `[Function: ${name || '(anonymous)'}]`;
}

/** An error's stack (which starts with `name: message`), read without trusting its getters. */
export function errorText(error: Error): string {
  const stack = safeRead(() => error.stack, undefined);
  if (typeof stack === 'string' && stack !== '') return stack;
  return `${safeRead(() => String(error.name), 'Error')}: ${safeRead(() => String(error.message), '')}`;
}
