import type { Attributes, AttributeValue } from '@opentelemetry/api';

/**
 * The attribute set that stands for every series past an instrument's cardinality limit, as the SDK names it:
 * https://opentelemetry.io/docs/specs/otel/metrics/sdk/#overflow-attribute
 */
export const OVERFLOW_ATTRIBUTES: Readonly<Attributes> = Object.freeze({ 'otel.metric.overflow': true });

/**
 * One instrument's series, keyed by attribute set (key order does not matter): memory grows with the series,
 * never with the calls. Past `limit − 1` series, new attribute sets share the overflow series, so the limit
 * is never exceeded and no measurement is lost.
 *
 * @example
 * const table = new SeriesTable(() => ({ value: 0 }), () => 2000);
 * table.cell({ route: '/orders' }).value += 1;
 */
export class SeriesTable<C> {
  readonly #create: (attributes: Attributes) => C;
  readonly #limit: () => number;
  #cells = new Map<string, C>();
  /** True once a series went to the overflow series since the last `take`. */
  overflowed = false;

  /** `limit` is read at each new series: a setup may set it after the instrument was created. */
  constructor(create: (attributes: Attributes) => C, limit: () => number) {
    this.#create = create;
    this.#limit = limit;
  }

  get size(): number {
    return this.#cells.size;
  }

  /** The cell of `attributes`, created on first use (with a copy of them: the caller may change its object). */
  cell(attributes: Attributes | undefined): C {
    const key = seriesKey(attributes);
    const found = this.#cells.get(key);
    if (found !== undefined) return found;
    if (this.#cells.size >= Math.max(1, this.#limit()) - 1) {
      this.overflowed = true;
      const overflow = this.#cells.get(OVERFLOW_KEY);
      if (overflow !== undefined) return overflow;
      const created = this.#create(OVERFLOW_ATTRIBUTES);
      this.#cells.set(OVERFLOW_KEY, created);
      return created;
    }
    const created = this.#create(copyAttributes(attributes));
    this.#cells.set(key, created);
    return created;
  }

  /** Every cell, in order of creation. */
  cells(): IterableIterator<C> {
    return this.#cells.values();
  }

  /** Every cell, and a fresh table from now on (delta temporality: what happened since the last collection). */
  take(): C[] {
    const cells = [...this.#cells.values()];
    this.#cells = new Map();
    this.overflowed = false;
    return cells;
  }
}

const OVERFLOW_KEY = '\u0000overflow';

/**
 * A key that names an attribute set whatever the order of its keys. Values that are not attribute values
 * (objects, functions, null) are left out, as the SDK leaves them out.
 */
export function seriesKey(attributes: Attributes | undefined): string {
  if (attributes === undefined) return '';
  const keys = Object.keys(attributes);
  if (keys.length === 0) return '';
  if (keys.length > 1) keys.sort();
  let key = '';
  for (const name of keys) {
    const value = attributes[name];
    if (!isAttributeValue(value)) continue;
    // JSON keeps strings apart from numbers and booleans ("1" vs 1) and arrays apart from their items.
    key += `${JSON.stringify(name)}:${JSON.stringify(value)},`;
  }
  return key;
}

function copyAttributes(attributes: Attributes | undefined): Attributes {
  const copy: Attributes = {};
  if (attributes === undefined) return copy;
  for (const name of Object.keys(attributes)) {
    const value = attributes[name];
    if (isAttributeValue(value)) copy[name] = Array.isArray(value) ? ([...(value as unknown[])] as AttributeValue) : value;
  }
  return copy;
}

function isAttributeValue(value: unknown): value is AttributeValue {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      return Array.isArray(value) && value.every((item) => item == null || ['string', 'number', 'boolean'].includes(typeof item));
    default:
      return false;
  }
}
