import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';

// The diagnostics write through the console methods found when their module loads: record them from here.
const { warnings } = vi.hoisted(() => {
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  return { warnings };
});

const { createEdgeSetup } = await import('../../src/edge/edge-setup.ts');
const { lokiFallback } = await import('../../src/loki.ts');
type Options = Parameters<typeof createEdgeSetup>[0];

/** Sets the edge telemetry up once with `options` and `env`; the warnings it wrote that name the Loki import. */
async function lokiWarnings(options: Options, env: Record<string, string> = {}): Promise<string[]> {
  warnings.length = 0;
  const setup = await createEdgeSetup({ spanExporter: new InMemorySpanExporter(), registerGlobals: false, ...options }, env, []);
  await setup.telemetry?.shutdown();
  return warnings.filter((line) => line.includes("import { lokiFallback } from 'faas-observability/loki'"));
}

describe('the edge setup and the Loki fallback it does not carry', () => {
  it('Loki configured (options or env binding) without lokiFallback: one warning, through the diagnostics', async () => {
    expect(await lokiWarnings({ loki: { url: 'http://loki.test' } })).toEqual([
      expect.stringMatching(/^\[faas-observability\] warn Loki is configured but this bundle has no Loki code/),
    ]);
    expect(await lokiWarnings({}, { FAAS_OBSERVABILITY_LOKI_URL: 'http://loki.test' })).toHaveLength(1);
  });

  it('no warning with lokiFallback, without Loki, or when a log exporter replaces the chain', async () => {
    expect(await lokiWarnings({ loki: { url: 'http://loki.test' }, lokiFallback })).toEqual([]);
    expect(await lokiWarnings({})).toEqual([]);
    expect(await lokiWarnings({ loki: { url: 'http://loki.test' }, logExporter: new InMemoryLogRecordExporter() })).toEqual([]);
  });
});
