import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { COLLECTOR_BINARY } from '../../tools/stack/collector.ts';
import { JAEGER_BINARY } from '../../tools/stack/jaeger.ts';
import { LOKI_BINARY } from '../../tools/stack/loki.ts';

import { startLoki, type RunningLoki } from '../../tools/stack/loki.ts';

export { startLoki, type RunningLoki };
export { startJaeger, type RunningJaeger } from '../../tools/stack/jaeger.ts';
export { startStackCollector, type RunningStackCollector } from '../../tools/stack/collector.ts';
export { jaegerTrace, queryLoki, type LokiLine } from '../../tools/stack/query.ts';

const BUILDS = {
  loki: [LOKI_BINARY, 'npm run loki:build'],
  jaeger: [JAEGER_BINARY, 'npm run jaeger:build'],
  collector: [COLLECTOR_BINARY, 'npm run collector:build'],
} as const;

/**
 * Whether the tests on the real Loki, Jaeger and collector can run (`needs` picks which). In CI a missing
 * binary is an error (the tests fail, never skip); locally, without Go, they skip with this message.
 */
export function realStackAvailability(needs: readonly (keyof typeof BUILDS)[] = ['loki', 'jaeger', 'collector']): {
  run: boolean;
  reason: string;
} {
  const missing = needs
    .map((name) => BUILDS[name])
    .filter(([binary]) => !existsSync(binary))
    .map(([binary, command]) => `no ${binary}: run \`${command}\` (needs Go)`);
  if (missing.length === 0) return { run: true, reason: '' };
  const reason = missing.join('; ');
  if (process.env.CI) throw new Error(`${reason} — CI must build it before the tests`);
  return { run: false, reason };
}

/**
 * Polls `read` until `done` holds for its result (the backends index asynchronously), within a generous
 * bound; returns the last result either way so the assertion that follows shows what was there.
 *
 * @example
 * const lines = await eventually(() => queryLoki(loki.url, query), (lines) => lines.length === 3);
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    value = await read();
  }
  return value;
}

/**
 * The real Loki for the tests of the calling `describe`: started before them (its start is slow on a loaded
 * machine, hence the bounds), stopped after. Read `url` inside a test.
 *
 * @example
 * const loki = useRealLoki();
 * it('pushes', async () => { await push(loki.url); });
 */
export function useRealLoki(): { readonly url: string } {
  let loki: RunningLoki | undefined;
  beforeAll(async () => {
    loki = await startLoki();
  }, 180_000);
  afterAll(async () => {
    await loki?.stop();
  }, 60_000);
  return {
    get url() {
      if (!loki) throw new Error('useRealLoki: Loki is read before its beforeAll ran');
      return loki.url;
    },
  };
}
