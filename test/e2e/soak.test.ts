import { describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector, type RunningCollector } from '../helpers/collector.ts';
import type { ReceivedLog, ReceivedSpan } from '../helpers/otlp-receiver.ts';
import { queryLogs, realStackAvailability, startVictoriaLogs, type LogLine, type RunningVictoriaLogs } from '../helpers/real-stack.ts';
import { statuses, stdoutRecords } from '../helpers/sinks.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';

const availability = collectorAvailability();
const logStoreAvailability = realStackAvailability(['victoria-logs']);
const INVOCATIONS = 2000;
// Room for a loaded 2-core machine: an export that times out after its sink stored the batch would count the
// records twice (in that sink and the next); the test reads where each record went, not how fast.
const TIMEOUT_MS = 6000;

/** What invocation `i` does: a burst every 97th, an error every 10th, a timeout at two points. */
function eventFor(i: number) {
  const tag = `s${i}`;
  if (i === 150 || i === 1150) return { tag, sleepMs: TIMEOUT_MS * 2 };
  if (i % 97 === 50) return { tag, lines: 3000, spans: 200 };
  if (i === 1300 || i === INVOCATIONS - 1) return { tag, heap: true };
  return { tag, fail: i % 10 === 5 };
}

describe.skipIf(!availability.run || !logStoreAvailability.run)(
  `soak: ${INVOCATIONS} invocations under the freeze harness, the real collector dying and coming back, the log store down for a while ${availability.reason}${logStoreAvailability.reason}`,
  () => {
    it('every record exactly once across collector ∪ log store (Loki push) ∪ stdout, and the heap flat', async () => {
      let collector: RunningCollector = await startCollector();
      const port = Number(new URL(collector.endpoint).port);
      // The real log store behind the Loki fallback (VictoriaLogs, through Loki's push API), stopped for a while.
      let logStore: RunningVictoriaLogs | undefined = await startVictoriaLogs();
      const logStorePort = Number(new URL(logStore.url).port);
      const lokiUrl = logStore.lokiUrl;
      const received = { spans: [] as ReceivedSpan[], logs: [] as ReceivedLog[], loki: [] as LogLine[] };
      const artifact = await buildFixtureFunction('burst');
      const lambda = await RuntimeApiServer.start({
        taskRoot: artifact.dir,
        handler: 'index.handler',
        functionName: 'soak',
        timeoutMs: TIMEOUT_MS,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          FAAS_OBSERVABILITY_LOKI_URL: lokiUrl,
          FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS: '100',
          FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '4000',
          OTEL_EXPORTER_OTLP_TIMEOUT: '1500',
          FAAS_OBSERVABILITY_CONSOLE_FORMAT: 'off',
          NODE_OPTIONS: '--expose-gc',
        },
      });
      const stopCollector = async () => {
        const got = await collector.stop();
        received.spans.push(...got.spans);
        received.logs.push(...got.logs);
      };
      const stopLogStore = async () => {
        await logStore!.flush();
        received.loki.push(...(await queryLogs(logStore!.url, '{service_name="soak"}', { limit: 1_000_000 })));
        await logStore!.stop();
        logStore = undefined;
      };
      const results: InvocationResult[] = [];
      try {
        for (let i = 0; i < INVOCATIONS; i++) {
          // A sink goes down between invocations, after the last one's flush (which follows its response): what
          // it took is then all there, and what it missed went to the next sink.
          if (i === 400 || i === 800) await lambda.idle();
          if (i === 400) await stopCollector();
          if (i === 800) await stopLogStore();
          if (i === 1000) collector = await startCollector({ port });
          if (i === 1200) logStore = await startVictoriaLogs({ httpPort: logStorePort });
          results.push(await lambda.invoke(eventFor(i)));
        }
      } finally {
        await lambda.stop();
        await stopCollector();
        if (logStore) await stopLogStore();
      }

      expect(statuses(results)).toEqual({ success: 1800, error: 198, timeout: 2 });
      const expectedLogs = new Set<string>();
      const expectedSpans = new Set<string>();
      for (let i = 0; i < INVOCATIONS; i++) {
        const { tag, lines = 1, spans = 0 } = eventFor(i) as { tag: string; lines?: number; spans?: number };
        for (let k = 0; k < lines; k++) expectedLogs.add(`burst ${tag} line ${k}`);
        for (let k = 0; k < spans; k++) expectedSpans.add(`burst ${tag} span ${k}`);
      }
      const stdout = stdoutRecords(lambda);
      const isOurs = (body: unknown) => String(body).startsWith('burst ');
      const logs = [
        ...received.logs.filter((l) => isOurs(l.body)).map((l) => ({ sink: 'collector', body: String(l.body) })),
        ...received.loki.filter((e) => isOurs(e.line)).map((e) => ({ sink: 'loki', body: e.line })),
        ...stdout.logs.filter((r) => isOurs(r.body)).map((r) => ({ sink: 'stdout', body: String(r.body) })),
      ];
      expect(logs).toHaveLength(expectedLogs.size);
      expect(new Set(logs.map((l) => l.body))).toEqual(expectedLogs);
      // Each sink took its share: the outage phases really happened.
      for (const sink of ['collector', 'loki', 'stdout'])
        expect(
          logs.some((l) => l.sink === sink),
          sink,
        ).toBe(true);

      const spanNames = [...received.spans.map((s) => s.name), ...stdout.spans.map((s) => String(s.name))];
      const burstSpans = spanNames.filter((name) => name.startsWith('burst '));
      expect(burstSpans).toHaveLength(expectedSpans.size);
      expect(new Set(burstSpans)).toEqual(expectedSpans);
      // One invocation span per invocation, timed-out ones included, across the collector and stdout.
      const invocationIds = [
        ...received.spans.map((s) => s.attributes['faas.invocation_id']),
        ...stdout.spans.map((s) => s.attributes?.['faas.invocation_id']),
      ].filter((id) => id !== undefined);
      expect(invocationIds).toHaveLength(INVOCATIONS);
      expect(new Set(invocationIds)).toEqual(new Set(results.map((r) => r.requestId)));

      // Heap flat: the same process after 700 more invocations (with bursts, errors and a Loki outage
      // behind it) holds no more than a few MB more, measured after a full GC.
      const [early, late] = [results[1300]!, results[INVOCATIONS - 1]!];
      expect(early.processNumber).toBe(late.processNumber);
      const heap = (r: InvocationResult) => (JSON.parse(r.payload) as { heapUsed: number }).heapUsed;
      expect(heap(late) - heap(early)).toBeLessThan(4 * 1024 * 1024);
    }, 600_000);
  },
);
