import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { CONFIG_REFERENCE } from '../../src/core/config/config-reference.ts';
import type { ObservabilityOptions } from '../../src/core/config/options.ts';
import { CONFIG_PAGE, withConfigTable } from '../../tools/docs-config.ts';

// Exhaustive by type: adding an option without listing it here does not compile.
const OPTIONS: Record<keyof ObservabilityOptions, true> = {
  serviceName: true,
  resourceAttributes: true,
  endpoint: true,
  tracesEndpoint: true,
  logsEndpoint: true,
  metricsEndpoint: true,
  metrics: true,
  sampling: true,
  redact: true,
  headers: true,
  exportTimeoutMs: true,
  compression: true,
  flushBudgetMs: true,
  flushMarginMs: true,
  timeoutSafetyMs: true,
  postResponseFlush: true,
  delivery: true,
  batchMaxAgeMs: true,
  maxBufferBytes: true,
  captureConsole: true,
  consoleFormat: true,
  maxLogBodyLength: true,
  loki: true,
  lokiFallback: true,
  stdoutFallback: true,
  circuitBackoffMs: true,
  xray: true,
  outbound: true,
  propagateUrls: true,
  dontPropagateUrls: true,
  registerGlobals: true,
  requestSigner: true,
  sampler: true,
  spanExporter: true,
  logExporter: true,
};
const documentedEnv = CONFIG_REFERENCE.flatMap((entry) => entry.env);

describe('the configuration reference', () => {
  it('is what docs/configuration.md shows (npm run docs:config rewrites it)', () => {
    expect(CONFIG_PAGE).toBe('docs/configuration.md');
    const page = readFileSync(new URL(`../../${CONFIG_PAGE}`, import.meta.url), 'utf8');
    expect(withConfigTable(page)).toBe(page);
  });

  it('lists every option', () => {
    expect(new Set(CONFIG_REFERENCE.flatMap((entry) => (entry.option ? [entry.option] : [])))).toEqual(new Set(Object.keys(OPTIONS)));
  });

  it('lists every environment variable the resolver reads, and nothing it does not read', () => {
    const read = new Set<string>();
    const recording = new Proxy(
      { FAAS_OBSERVABILITY_LOKI_URL: 'http://loki:3100', OTEL_PROPAGATORS: 'tracecontext' } as Record<string, string>,
      {
        get(target, key) {
          if (typeof key === 'string') read.add(key);
          return target[key as string];
        },
      },
    );
    resolveConfig({}, recording);
    expect([...read].filter((key) => !documentedEnv.includes(key))).toEqual([]);
    expect(documentedEnv.filter((key) => !read.has(key))).toEqual([]);
  });

  it.each(documentedEnv)('%s changes the configuration or is reported when bad', (key) => {
    const base: Record<string, string> = key === 'FAAS_OBSERVABILITY_LOKI_URL' ? {} : { FAAS_OBSERVABILITY_LOKI_URL: 'http://loki:3100' };
    const before = JSON.stringify(resolveConfig({}, base));
    const after = JSON.stringify(
      resolveConfig({}, { ...base, [key]: key.endsWith('_URL') || key.endsWith('ENDPOINT') ? 'http://changed:1' : 'bogus%zz' }),
    );
    expect(after).not.toBe(before);
  });
});
