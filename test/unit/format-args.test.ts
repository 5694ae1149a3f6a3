import { format } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatArgs } from '../../src/console/format-args.ts';

const LIMIT = 16 * 1024;

describe('formatArgs matches util.format', () => {
  const cases: unknown[][] = [
    ['plain text'],
    ['%s is %d years and %i days, %f%%', 'Ada', 36.5, 12.9, '1.5'],
    ['%s %s', 'only one'],
    ['%j', { a: [1, 2], b: 'x' }],
    ['%d %i', 10n, 11n],
    ['%d %d %d %d %d', -0, NaN, Infinity, 1e21, '7'],
    ['%d', { valueOf: () => 4 }],
    ['%s', 5n],
    ['%s', Symbol('token')],
    ['%s', -0],
    ['%s', null],
    ['%s', undefined],
    ['%o', { a: 1 }],
    ['%O', { nested: { deep: { deeper: { deepest: 1 } } } }],
    ['%c styled', 'color: red'],
    ['100%'],
    ['%%', 'x'],
    ['a', 'b', 3, true, null, undefined],
    [{ a: 1, 'b-c': 'two', d: [1, 'x'] }],
    [1, 2, 3],
    [[1, [2, [3, [4]]]]],
    [new Map([['k', 1]]), new Set([1, 2])],
    ['user %s logged in', 'ada', { id: 7 }],
    [Symbol.for('s')],
    [function named() {}, class Klass {}],
    [new Date(0)],
    [/re+/g],
    [[]],
    [{}],
    [new Uint8Array([1, 2, 3])],
  ];
  it.each(cases)('%#: same output as util.format', (...args) => {
    expect(formatArgs(args, LIMIT)).toBe(format(...args));
  });
});

describe('formatArgs where Node versions differ', () => {
  it('symbol keys print as Node 24 prints them (Node 22 adds brackets)', () => {
    expect(formatArgs([{ [Symbol('k')]: 1 }], LIMIT)).toBe('{ Symbol(k): 1 }');
  });
});

describe('formatArgs survives bad input', () => {
  it('circular objects', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(formatArgs([a], LIMIT)).toBe("{ name: 'a', self: [Circular] }");
    expect(formatArgs(['%j', a], LIMIT)).toBe('[Circular]');
  });

  it('never runs getters, and survives a throwing toString', () => {
    let ran = false;
    const sneaky = {
      get secret() {
        ran = true;
        throw new Error('boom');
      },
    };
    const liar = {
      toString() {
        throw new Error('nope');
      },
    };
    expect(formatArgs([sneaky], LIMIT)).toBe('{ secret: [Getter] }');
    expect(ran).toBe(false);
    expect(formatArgs(['%s', liar], LIMIT)).toBe('[toString threw]');
    expect(
      formatArgs(
        [
          '%d',
          {
            valueOf() {
              throw new Error('x');
            },
          },
        ],
        LIMIT,
      ),
    ).toBe('NaN');
  });

  it('Proxies whose traps throw', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys for you');
        },
        getPrototypeOf() {
          throw new Error('no proto');
        },
      },
    );
    expect(formatArgs(['value:', hostile], LIMIT)).toBe('value: [Uninspectable: no proto]');
  });

  it('null-prototype objects and BigInt inside objects', () => {
    const bare = Object.assign(Object.create(null), { n: 10n });
    expect(formatArgs([bare], LIMIT)).toBe('[Object: null prototype] { n: 10n }');
    expect(formatArgs(['%j', { n: 10n }], LIMIT)).toMatch(/^\[Unserializable: .*BigInt/);
  });

  it('a 10 MB string is cut at the limit with a visible marker', () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const body = formatArgs(['start', huge, 'end'], 1000);
    expect(body.length).toBeLessThan(1100);
    expect(body.startsWith('start xxx')).toBe(true);
    expect(body).toMatch(/…\[truncated: log body over 1000 characters\]$/);
    expect(formatArgs([huge], LIMIT)).toHaveLength(LIMIT + '…[truncated: log body over 16384 characters]'.length);
  });

  it('an object cut at the limit ends with the marker too, whether appended or through %o, %O or %s', () => {
    const marker = '…[truncated: log body over 20 characters]';
    const object = { a: 'y'.repeat(100) };
    for (const args of [
      ['x', object],
      ['x %o', object],
      ['x %O', object],
      ['x %s', object],
    ]) {
      const body = formatArgs(args, 20);
      expect(body.endsWith(marker), JSON.stringify(body)).toBe(true);
      expect(body).toHaveLength(20 + marker.length);
    }
    // An object that exactly fits is complete: no marker.
    expect(formatArgs(['x', { a: 1 }], 'x { a: 1 }'.length)).toBe('x { a: 1 }');
  });

  it('a huge array or object is bounded', () => {
    const big = Array.from({ length: 1_000_000 }, (_, i) => i);
    const body = formatArgs([big], LIMIT);
    expect(body).toContain('... 999900 more items');
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, 'v'.repeat(100)]));
    expect(formatArgs([wide], 2000).length).toBeLessThan(2100);
  });

  it('errors print their stack', () => {
    const error = new TypeError('bad thing');
    expect(formatArgs(['failed:', error], LIMIT)).toBe(`failed: ${error.stack}`);
    const stackless = Object.assign(new Error('m'), { stack: undefined });
    expect(formatArgs([stackless], LIMIT)).toBe('Error: m');
  });
});
