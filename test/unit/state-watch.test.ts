import { describe, expect, it } from 'vitest';
import { StateWatch } from '../../tools/lambda-runtime/state-watch.ts';

describe("the emulator's StateWatch (what tests await instead of sleeping)", () => {
  it('resolves at the change that makes the condition hold, not before', async () => {
    const watch = new StateWatch();
    const names: string[] = [];
    let resolved = false;
    const registered = watch.until(() => names.includes('x'), 'x registered', 10_000).then(() => (resolved = true));
    names.push('y');
    watch.changed();
    await Promise.resolve();
    expect(resolved).toBe(false);
    names.push('x');
    watch.changed();
    await registered;
    expect(resolved).toBe(true);
  });

  it('resolves at once when the condition already holds, and rejects at its deadline naming what did not happen', async () => {
    const watch = new StateWatch();
    await watch.until(() => true, 'always', 10_000);
    await expect(watch.until(() => false, 'the library registered', 20)).rejects.toThrow(
      'the library registered did not happen within 20 ms',
    );
  });
});
