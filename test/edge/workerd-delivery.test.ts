import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { closedEndpoint } from '../../tools/loopback.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';
import { startWorkerWithStdio } from './workerd-stdio.ts';

let code: string;
// The Worker that opts in to the Loki fallback (faas-observability/loki): with both sinks dead, stdout is
// the third step of its chain, not the second.
let lokiCode: string;
beforeAll(async () => {
  ({ code } = await buildEdgeBundle('test/edge/fixtures/worker.ts', '.cache/edge/worker-delivery.mjs'));
  ({ code: lokiCode } = await buildEdgeBundle('test/edge/fixtures/loki-worker.ts', '.cache/edge/loki-worker-delivery.mjs'));
}, 60_000);

const startWorker = (bindings: Record<string, string>) => startWorkerWithStdio(code, bindings);

describe('delivery from a Worker in real workerd (miniflare)', () => {
  let receiver: OtlpReceiver;
  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  it('a burst of 20,000 console lines in one request (past the old 16,384-record queue): every line arrives, exactly once', async () => {
    // A cap above the burst: this test is about dropping, the cap has its own.
    const { mf, stderr } = startWorker({
      OTLP_ENDPOINT: receiver.url,
      FAAS_OBSERVABILITY_MAX_BUFFER_BYTES: String(32 * 1024 * 1024),
      OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
      FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
    });
    try {
      expect(await (await mf.dispatchFetch('http://worker.test/?id=burst&lines=20000')).text()).toBe('ok burst');
      const burst = () => receiver.logs.filter((l) => String(l.body).startsWith('request burst line '));
      await waitFor(() => burst().length >= 20_000, 60_000);
      expect(new Set(burst().map((l) => l.body)).size).toBe(20_000);
      expect(burst()).toHaveLength(20_000);
      expect(stderr.filter((line) => line.includes('[faas-observability]'))).toEqual([]);
    } finally {
      await mf.dispose();
    }
  }, 90_000);

  it('collector and Loki unreachable: each record is written to stdout once, through the console originals, never captured again', async () => {
    const dead = await closedEndpoint();
    // Two origins: one breaker per origin would otherwise skip Loki once OTLP failed.
    const deadLoki = await closedEndpoint();
    const { mf, stdout, stderr } = startWorkerWithStdio(lokiCode, { OTLP_ENDPOINT: dead, FAAS_OBSERVABILITY_LOKI_URL: deadLoki });
    try {
      for (let i = 0; i < 20; i++) expect(await (await mf.dispatchFetch(`http://worker.test/?id=dead${i}`)).text()).toBe(`ok dead${i}`);
      const undelivered = () => stdout.filter((line) => line.includes('"undelivered_span"') || line.includes('"undelivered_log_record"'));
      const parse = (line: string) => JSON.parse(line.slice(line.indexOf('{'))) as { name?: string; data_points?: { value?: number }[] };
      const invocations = () =>
        stdout
          .filter((line) => line.includes('"undelivered_metric":true'))
          .map(parse)
          .filter((metric) => metric.name === 'faas.invocations')
          .flatMap((metric) => metric.data_points ?? [])
          .reduce((sum, point) => sum + (point.value ?? 0), 0);
      // 2 lines and 1 span per request; and the metrics, as JSON lines too, counting every request once.
      await waitFor(() => undelivered().length >= 60 && invocations() >= 20, 30_000);
      await new Promise((resolve) => setTimeout(resolve, 500)); // a feedback loop would keep growing
      const records = undelivered().map((line) => JSON.parse(line.slice(line.indexOf('{'))) as { body?: unknown; name?: string });
      expect(records).toHaveLength(60);
      expect(invocations()).toBe(20);
      expect(records.filter((r) => r.name !== undefined)).toHaveLength(20);
      const bodies = records.filter((r) => r.body !== undefined).map((r) => String(r.body));
      expect(bodies.filter((body) => body.includes('undelivered'))).toEqual([]);
      expect(new Set(bodies).size).toBe(40);
      // Loki was tried (and failed) before stdout: the diagnostics name it, and none says it is missing.
      const diagnostics = stderr.join('\n');
      expect(diagnostics).toContain(`fallback: Loki push of`);
      expect(diagnostics).not.toContain('import { lokiFallback }');
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
