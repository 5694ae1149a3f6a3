import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleCallToLogRecord } from '../../src/console/log-record.ts';
import { inspect } from '../../src/console/inspect.ts';

const LIMIT = 16 * 1024;
// %SetIteratorPrototype%.next: every step through any Set, whoever iterates it (spread, for-of, values()).
const SET_ITERATOR = Object.getPrototypeOf(new Set().values()) as { next(): IteratorResult<unknown> };

afterEach(() => vi.restoreAllMocks());

/** A typed array whose iterator counts the items it yields (Array.from and spread read it through that). */
function countingTypedArray(length: number): { array: Uint8Array; reads: () => number } {
  const array = new Uint8Array(length);
  let reads = 0;
  Object.defineProperty(array, Symbol.iterator, {
    value: function* () {
      for (let i = 0; i < length; i++) {
        reads++;
        yield array[i];
      }
    },
  });
  return { array, reads: () => reads };
}

describe('logging a large Buffer, typed array or Set reads only what is printed', () => {
  it('a typed array (a Buffer too) is read by index, never copied whole', () => {
    const { array, reads } = countingTypedArray(1_000_000);
    const text = inspect(array, { depth: 2, budget: LIMIT });
    expect(text.startsWith('Uint8Array(1000000) [ 0, 0, 0')).toBe(true);
    expect(text.endsWith(', ... 999900 more items ]')).toBe(true);
    expect(reads()).toBe(0);
    expect(inspect(Buffer.from([1, 2, 3]), { depth: 2, budget: LIMIT })).toBe('Uint8Array(3) [ 1, 2, 3 ]');
  });

  it('a Set is iterated only as far as its first 100 items, and a subclass iterator is not trusted', () => {
    const next = vi.spyOn(SET_ITERATOR, 'next');
    const set = new Set(Array.from({ length: 100_000 }, (_, i) => i));
    const text = inspect(set, { depth: 2, budget: LIMIT });
    expect(text.startsWith('Set(100000) { 0, 1, 2')).toBe(true);
    expect(text.endsWith(', 99, ... 99900 more items }')).toBe(true);
    expect(next.mock.calls.length).toBeLessThanOrEqual(101);
  });

  it("console.log('body', { Body: set }): the Set is read once for the body and the attribute together", () => {
    const set = new Set(Array.from({ length: 100_000 }, (_, i) => i));
    const next = vi.spyOn(SET_ITERATOR, 'next');
    const record = consoleCallToLogRecord('log', ['body', { Body: set }], LIMIT);
    // Inspected twice (body, then attribute) would be 200 steps; copied whole, 100,000.
    expect(next.mock.calls.length).toBeLessThanOrEqual(101);
    expect(record.attributes!.Body).toBe(String(record.body).slice('body { Body: '.length, -' }'.length));
  });

  it('a logged object is formatted once: its properties are walked once for the body and the attributes', () => {
    let walks = 0;
    const nested = new Proxy(
      { id: 7, tags: ['a', 'b'] },
      {
        // Read once at the start of each formatting of the object.
        getPrototypeOf(target) {
          walks++;
          return Reflect.getPrototypeOf(target);
        },
      },
    );
    const record = consoleCallToLogRecord('info', ['order', { order: nested }], LIMIT);
    expect(record.body).toBe("order { order: { id: 7, tags: [ 'a', 'b' ] } }");
    expect(record.attributes!.order).toBe("{ id: 7, tags: [ 'a', 'b' ] }");
    expect(walks).toBe(1);
  });

  it('an attribute shows its value as the body does, at the depth the body shows it', () => {
    const record = consoleCallToLogRecord('log', [{ user: { address: { geo: { lat: 1 } } } }], LIMIT);
    expect(record.body).toBe('{ user: { address: { geo: [Object] } } }');
    expect(record.attributes!.user).toBe('{ address: { geo: [Object] } }');
  });
});

describe('a Proxy of a large typed array', () => {
  it('is named, never walked: its keys (every index) are not listed', () => {
    let listed = 0;
    const proxy = new Proxy(new Uint8Array(1_000_000), {
      ownKeys(target) {
        listed++;
        return Reflect.ownKeys(target);
      },
    });
    expect(inspect(proxy, { depth: 2, budget: LIMIT })).toBe('Uint8Array [Proxy]');
    expect(listed).toBe(0);
  });
});
