import { describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { diagnosticLines, statuses, stdoutRecords } from '../helpers/sinks.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';

const availability = collectorAvailability();
const LINES = 12_000;
const SPANS = 3_000;

describe.skipIf(!availability.run)(
  `a burst in one invocation, the function frozen at every /next, against the real collector ${availability.reason}`,
  () => {
    it(`${LINES} console lines and ${SPANS} spans all arrive, and the invocations after it flush like any other`, async () => {
      const collector = await startCollector();
      const artifact = await buildFixtureFunction('burst');
      const lambda = await RuntimeApiServer.start({
        taskRoot: artifact.dir,
        handler: 'index.handler',
        functionName: 'burst',
        timeoutMs: 30_000,
        // A budget far above what the burst needs, so a loaded machine cannot turn delivery into a spill;
        // what the flush costs is measured in bench/ (the burst row).
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '20000',
          OTEL_EXPORTER_OTLP_TIMEOUT: '10000',
        },
      });
      const results: InvocationResult[] = [];
      try {
        results.push(await lambda.invoke({ tag: 'before' }));
        results.push(await lambda.invoke({ tag: 'big', lines: LINES, spans: SPANS }));
        for (let i = 0; i < 5; i++) results.push(await lambda.invoke({ tag: `after${i}`, lines: 3 }));
      } finally {
        await lambda.stop();
      }
      const { spans, logs } = await collector.stop();
      expect(statuses(results)).toEqual({ success: 7 });
      const bodies = logs.map((l) => String(l.body));
      const big = bodies.filter((body) => body.startsWith('burst big line '));
      expect(big).toHaveLength(LINES);
      expect(new Set(big).size).toBe(LINES);
      const bigSpans = spans.filter((s) => s.name.startsWith('burst big span '));
      expect(bigSpans).toHaveLength(SPANS);
      expect(new Set(bigSpans.map((s) => s.name)).size).toBe(SPANS);
      for (let i = 0; i < 5; i++) expect(bodies.filter((body) => body.startsWith(`burst after${i} line `))).toHaveLength(3);
      // One invocation span each, all in one process: nothing was lost to a restart.
      expect(spans.filter((s) => s.attributes['faas.invocation_id'])).toHaveLength(7);
      expect(new Set(results.map((r) => r.processNumber)).size).toBe(1);
      // Nothing took a fallback, and no flush waited for records that would never come (the old
      // watermark made every later flush run out its whole budget and say so).
      expect(stdoutRecords(lambda)).toEqual({ logs: [], spans: [] });
      expect(diagnosticLines(lambda)).toEqual([]);
    }, 180_000);
  },
);
