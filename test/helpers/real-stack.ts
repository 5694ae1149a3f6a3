import { existsSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import { COLLECTOR_BINARY } from '../../tools/stack/collector.ts';
import { JAEGER_BINARY } from '../../tools/stack/jaeger.ts';
import { startVictoriaLogs, VICTORIA_LOGS_BINARY, type RunningVictoriaLogs } from '../../tools/stack/victoria-logs.ts';
import { VICTORIA_METRICS_BINARY } from '../../tools/stack/victoria-metrics.ts';

export { startVictoriaLogs, type RunningVictoriaLogs };
export { startJaeger, type RunningJaeger } from '../../tools/stack/jaeger.ts';
export { startStackCollector, type RunningStackCollector } from '../../tools/stack/collector.ts';
export { jaegerTrace, queryLogs, type LogLine } from '../../tools/stack/query.ts';
export { startVictoriaMetrics, type RunningVictoriaMetrics } from '../../tools/stack/victoria-metrics.ts';
export { queryMetrics, type MetricSample } from '../../tools/stack/query-metrics.ts';

const BUILDS = {
  'victoria-logs': [VICTORIA_LOGS_BINARY, 'npm run victorialogs:build'],
  'victoria-metrics': [VICTORIA_METRICS_BINARY, 'npm run victoriametrics:build'],
  jaeger: [JAEGER_BINARY, 'npm run jaeger:build'],
  collector: [COLLECTOR_BINARY, 'npm run collector:build'],
} as const;

/**
 * Whether the tests on the real VictoriaLogs, VictoriaMetrics, Jaeger and collector can run (`needs` picks which). In CI a missing
 * binary is an error (the tests fail, never skip); locally, without Go, they skip with this message.
 */
export function realStackAvailability(
  needs: readonly (keyof typeof BUILDS)[] = ['victoria-logs', 'victoria-metrics', 'jaeger', 'collector'],
): {
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
 * const lines = await eventually(() => queryLogs(logs.url, query), (lines) => lines.length === 3);
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
 * The real VictoriaLogs for the tests of the calling `describe`: started before them (bounded generously for
 * a loaded machine), stopped after. Read its addresses inside a test.
 *
 * @example
 * const logs = useRealLogStore();
 * it('pushes', async () => { await push(logs.lokiUrl); });
 */
export function useRealLogStore(): Pick<RunningVictoriaLogs, 'url' | 'lokiUrl' | 'otlpEndpoint'> {
  let logs: RunningVictoriaLogs | undefined;
  beforeAll(async () => {
    logs = await startVictoriaLogs();
  }, 180_000);
  afterAll(async () => {
    await logs?.stop();
  }, 60_000);
  const running = () => {
    if (!logs) throw new Error('useRealLogStore: VictoriaLogs is read before its beforeAll ran');
    return logs;
  };
  return {
    get url() {
      return running().url;
    },
    get lokiUrl() {
      return running().lokiUrl;
    },
    get otlpEndpoint() {
      return running().otlpEndpoint;
    },
  };
}
