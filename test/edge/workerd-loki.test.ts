import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { closedEndpoint } from '../../tools/loopback.ts';
import { startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';
import { eventually, queryLogs, realStackAvailability, useRealLogStore } from '../helpers/real-stack.ts';
import { waitFor } from './edge-assertions.ts';
import { startWorkerWithStdio } from './workerd-stdio.ts';

// The Loki fallback on the edge is opt-in (`faas-observability/loki`): a Worker that imports it sends what
// OTLP does not take to Loki; one that does not carries no Loki code, says so once, and writes to stdout.
const bundles: { withLoki?: Awaited<ReturnType<typeof buildEdgeBundle>>; without?: Awaited<ReturnType<typeof buildEdgeBundle>> } = {};
beforeAll(async () => {
  bundles.withLoki = await buildEdgeBundle('test/edge/fixtures/loki-worker.ts', '.cache/edge/worker-loki.mjs');
  bundles.without = await buildEdgeBundle('test/edge/fixtures/worker.ts', '.cache/edge/worker-no-loki.mjs');
}, 60_000);

const MISSING = "import { lokiFallback } from 'faas-observability/loki'";
const undeliveredLogs = (stdout: readonly string[]) => stdout.filter((line) => line.includes('"undelivered_log_record"'));

describe('the Loki fallback in real workerd (miniflare)', () => {
  let loki: LokiReceiver;
  beforeAll(async () => {
    loki = await startLokiReceiver();
  });
  afterAll(async () => {
    await loki?.close();
  });

  it('only a bundle that imports faas-observability/loki has the Loki code', () => {
    const lokiInputs = (inputs: readonly string[]) => inputs.filter((path) => path.startsWith('src/exporters/loki/'));
    expect(lokiInputs(bundles.withLoki!.inputs)).toContain('src/exporters/loki/loki-push.ts');
    expect(lokiInputs(bundles.without!.inputs)).toEqual([]);
  });

  it('with lokiFallback and the collector dead: every line reaches Loki, none is written to stdout, no diagnostic about it', async () => {
    const { mf, stdout, stderr } = startWorkerWithStdio(bundles.withLoki!.code, {
      OTLP_ENDPOINT: await closedEndpoint(),
      FAAS_OBSERVABILITY_LOKI_URL: loki.url,
    });
    try {
      for (let i = 0; i < 3; i++) expect(await (await mf.dispatchFetch(`http://worker.test/?id=loki${i}`)).text()).toBe(`ok loki${i}`);
      const lines = () => loki.entries.map((e) => e.line).filter((line) => line.startsWith('request loki'));
      await waitFor(() => lines().length >= 6, 30_000);
      expect(lines().sort()).toEqual([0, 1, 2].flatMap((i) => [`request loki${i} end`, `request loki${i} start`]));
      expect(loki.entries.every((e) => e.labels.service_name === 'loki-worker')).toBe(true);
      expect(loki.invalid).toEqual([]);
      expect(undeliveredLogs(stdout)).toEqual([]);
      expect(stderr.filter((line) => line.includes(MISSING))).toEqual([]);
    } finally {
      await mf.dispose();
    }
  }, 60_000);

  it('Loki configured without lokiFallback: one diagnostic names the import; the records go to stdout, counted, Loki gets nothing', async () => {
    const before = loki.requests.length;
    const { mf, stdout, stderr } = startWorkerWithStdio(bundles.without!.code, {
      OTLP_ENDPOINT: await closedEndpoint(),
      FAAS_OBSERVABILITY_LOKI_URL: loki.url,
    });
    try {
      for (let i = 0; i < 3; i++) expect(await (await mf.dispatchFetch(`http://worker.test/?id=plain${i}`)).text()).toBe(`ok plain${i}`);
      // 4 lines per request (start, end, background, nested).
      await waitFor(() => undeliveredLogs(stdout).length >= 12, 30_000);
      // Counted in the delivery report: the diagnostic lines add up to every record written to stdout.
      const counted = () => stderr.reduce((sum, line) => sum + Number(/(\d+) log record\(s\) written to stdout/.exec(line)?.[1] ?? 0), 0);
      await waitFor(() => counted() >= 12, 10_000);
      expect(counted()).toBe(12);
      const bodies = undeliveredLogs(stdout).map((line) => String(JSON.parse(line.slice(line.indexOf('{'))).body));
      expect(new Set(bodies).size).toBe(12);
      const diagnostics = stderr.filter((line) => line.includes(MISSING));
      expect(diagnostics).toHaveLength(1);
      expect(diagnostics[0]).toMatch(/^\[faas-observability\] warn Loki is configured but this bundle has no Loki code/);
      expect(loki.requests.length).toBe(before);
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});

const availability = realStackAvailability(['victoria-logs']);

describe.skipIf(!availability.run)("the Loki fallback from real workerd to a real store through Loki's push API (VictoriaLogs)", () => {
  const logStore = useRealLogStore();

  it('protobuf + snappy, as a tenant: the lines are found with LogsQL, with their trace ids', async () => {
    const { mf } = startWorkerWithStdio(bundles.withLoki!.code, {
      OTLP_ENDPOINT: await closedEndpoint(),
      FAAS_OBSERVABILITY_LOKI_URL: logStore.lokiUrl,
      // A numeric tenant: VictoriaLogs reads X-Scope-OrgID as its account id.
      FAAS_OBSERVABILITY_LOKI_TENANT: '42',
      FAAS_OBSERVABILITY_LOKI_FORMAT: 'protobuf',
    });
    try {
      expect(await (await mf.dispatchFetch('http://worker.test/?id=real')).text()).toBe('ok real');
      const lines = await eventually(
        () => queryLogs(logStore.url, '{service_name="loki-worker"}', { tenant: '42' }),
        (found) => found.length >= 2,
      );
      expect(lines.map((l) => l.line)).toEqual(['request real start', 'request real end']);
      expect(new Set(lines.map((l) => l.metadata.trace_id)).size).toBe(1);
      expect(lines[0]!.metadata.trace_id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await mf.dispose();
    }
  }, 90_000);
});
