import { describe, expect, it } from 'vitest';
import { flushWithin } from '../../src/core/flush.ts';

describe('flushWithin', () => {
  it('flushes each pipeline’s stages in order, the pipelines in parallel, and collects every failure', async () => {
    const order: string[] = [];
    const stage = (name: string, fail?: 'throw' | 'reject') => ({
      forceFlush: () => {
        order.push(`${name} start`);
        if (fail === 'throw') throw new Error(`${name} threw`);
        return new Promise<void>((resolve, reject) =>
          setTimeout(() => {
            order.push(`${name} end`);
            if (fail === 'reject') reject(new Error(`${name} rejected`));
            else resolve();
          }, 5),
        );
      },
    });
    const summary = await flushWithin(
      [
        [stage('a1', 'reject'), stage('a2')],
        [stage('b1', 'throw'), {}, stage('b2')],
      ],
      1000,
    );
    expect(order.indexOf('a2 start')).toBeGreaterThan(order.indexOf('a1 end'));
    expect(order.indexOf('b2 start')).toBeLessThan(order.indexOf('a1 end')); // b1 threw at once, b2 did not wait for a
    expect(summary).toMatchObject({ ok: false, timedOut: false });
    expect(summary.errors.map((error) => (error as Error).message).sort()).toEqual(['a1 rejected', 'b1 threw']);
  });

  it('resolves at the bound when a stage hangs, and at once for nothing to flush', async () => {
    const hanging = { forceFlush: () => new Promise<void>(() => {}) };
    const summary = await flushWithin([[{ forceFlush: () => Promise.resolve() }], [hanging]], 20);
    expect(summary).toMatchObject({ ok: false, timedOut: true, errors: [] });
    expect(await flushWithin([], 10_000)).toMatchObject({ ok: true, timedOut: false });
    expect(await flushWithin([[{}]], 10_000)).toMatchObject({ ok: true, timedOut: false });
  });

  it('takes what a stage returns as await would: a plain value, or a thenable it waits for', async () => {
    let thenableSettled = false;
    const thenable = { then: (resolve: () => void) => setTimeout(() => ((thenableSettled = true), resolve()), 5) };
    const odd = [{ forceFlush: () => true as unknown as Promise<void> }, { forceFlush: () => thenable as unknown as Promise<void> }];
    expect(await flushWithin([odd], 1000)).toMatchObject({ ok: true, timedOut: false });
    expect(thenableSettled).toBe(true);
  });
});
