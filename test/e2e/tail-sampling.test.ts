import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReceivedLog, ReceivedMetric, ReceivedSpan } from '../../tools/otlp-decode.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { collectorAvailability, startCollector, type RunningCollector } from '../helpers/collector.ts';
import { metricTotal } from '../helpers/metric-total.ts';
import { runPlan, type EnvironmentRun } from '../helpers/run-plan.ts';
import { diagnosticLines, outputLines } from '../helpers/sinks.ts';
import { anyArrived, headSampled, problemsOf, tailArrivals, type Arrival } from '../helpers/tail-arrivals.ts';
import { isFailure, TAIL_LINES, tailEvent, tailPlan, type TailOutcome, type TailPlanStep } from '../helpers/tail-plan.ts';

// The acceptance test of tail sampling: 10,000 invocations in four environments under the freeze harness, the
// recommended high-volume setting (a 1 % head ratio, tail sampling, keep the slow, export from `info`), 2 %
// failures (throws, HTTP 5xx, timeouts) and 1 % slow ones, through the real collector. Every failed and slow
// invocation must arrive whole, the others at the head ratio (each whole, or nothing of it), and the metrics
// count every invocation and every drop.

const availability = collectorAvailability();
const INVOCATIONS = 10_000;
const ENVIRONMENTS = 4;
const HEAD_RATIO = 0.01;
const KEEP_SLOWER_THAN_MS = 200;
const SLOW_MS = 400;
// The safety net ends a timed-out invocation and flushes a tenth of the timeout before the deadline: room
// for that flush on a loaded machine. The test counts records, not speed.
const TIMEOUT_MS = 5000;
// Two-sided 99.9 % bound of a binomial count, by the normal approximation (z = 3.29; n·p near 100 here).
const Z = 3.29;

describe.skipIf(!availability.run)(
  `tail sampling: ${INVOCATIONS} invocations in ${ENVIRONMENTS} frozen environments, 1 % head ratio, 2 % failures, 1 % slow → the real collector ${availability.reason}`,
  () => {
    const plan = tailPlan(INVOCATIONS, ENVIRONMENTS, SLOW_MS);
    const count = (outcome: TailOutcome) => plan.filter((s) => s.outcome === outcome).length;
    const service = `tail-${randomBytes(4).toString('hex')}`;
    let collector: RunningCollector | undefined;
    let runs: EnvironmentRun<TailPlanStep>[] = [];
    let received: { spans: ReceivedSpan[]; logs: ReceivedLog[]; metrics: ReceivedMetric[] };
    let arrivals: Arrival[] = [];
    let strays: string[] = [];
    const ordinary = () => arrivals.filter((a) => a.planned.outcome === 'ordinary');
    const keptOrdinary = () => ordinary().filter(anyArrived);

    beforeAll(async () => {
      const [started, artifact] = await Promise.all([startCollector(), buildFixtureFunction('tail')]);
      collector = started;
      const env = {
        OTEL_EXPORTER_OTLP_ENDPOINT: started.endpoint,
        OTEL_SERVICE_NAME: service,
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: String(HEAD_RATIO),
        FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true',
        FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS: String(KEEP_SLOWER_THAN_MS),
        FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL: 'info',
        FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '4000',
        FAAS_OBSERVABILITY_TIMEOUT_SAFETY_MS: '500',
      };
      const options = { taskRoot: artifact.dir, functionName: 'tail', env, environments: ENVIRONMENTS, timeoutMs: TIMEOUT_MS };
      runs = await runPlan(plan, { ...options, event: tailEvent });
      // Stopped (SIGTERM), the collector writes what its exporters hold: after that nothing more is on its way.
      received = await started.stop();
      collector = undefined;
      ({ arrivals, strays } = tailArrivals(runs, received));
    }, 600_000);
    afterAll(async () => {
      await collector?.stop();
    }, 60_000);

    it('ran the plan: each outcome as planned', () => {
      const planned = { throws: count('throw'), http5xx: count('http-5xx'), timeouts: count('timeout'), slow: count('slow') };
      expect(planned).toEqual({
        throws: 0.008 * INVOCATIONS,
        http5xx: 0.01 * INVOCATIONS,
        timeouts: 0.002 * INVOCATIONS,
        slow: 0.01 * INVOCATIONS,
      });
      const status = { ordinary: 'success', slow: 'success', 'http-5xx': 'success', throw: 'error', timeout: 'timeout' } as const;
      for (const { planned, result } of runs.flatMap((run) => run.results)) {
        expect(result.status, planned.tag).toBe(status[planned.outcome]);
        if (planned.trigger === 'http') expect(JSON.parse(result.payload).statusCode, planned.tag).toBe(planned.step.status);
      }
      expect(arrivals).toHaveLength(INVOCATIONS);
      expect(strays).toEqual([]);
    });

    it('every failed invocation arrived whole: its span (an error), its child span, every info and every debug line', () => {
      const failed = arrivals.filter((a) => isFailure(a.planned.outcome));
      expect(failed).toHaveLength(0.02 * INVOCATIONS);
      expect(failed.flatMap((a) => problemsOf(a, true, HEAD_RATIO))).toEqual([]);
      expect(failed.filter((a) => a.invocation[0]!.status.code !== 2).map((a) => a.planned.tag)).toEqual([]);
    });

    it('every slow invocation arrived whole, without its debug lines', () => {
      const slow = arrivals.filter((a) => a.planned.outcome === 'slow');
      expect(slow.flatMap((a) => problemsOf(a, true, HEAD_RATIO))).toEqual([]);
    });

    it(`the ordinary ones: kept by the head sampler at ${HEAD_RATIO} within the 99.9 % binomial bound, each whole or nothing of it`, () => {
      const n = ordinary().length;
      expect(n).toBe(0.97 * INVOCATIONS);
      expect(arrivals.flatMap((a) => (a.planned.outcome === 'ordinary' ? problemsOf(a, anyArrived(a), HEAD_RATIO) : []))).toEqual([]);
      // Kept by the head sampler (its trace id, as the SDK's sampler reads it), or because a loaded machine made
      // it slower than the threshold: nothing else keeps an ordinary invocation.
      const byHead: Arrival[] = [];
      const bySlowness: Arrival[] = [];
      for (const a of keptOrdinary()) (headSampled(a.invocation[0]!.traceId, HEAD_RATIO) ? byHead : bySlowness).push(a);
      const ms = (span: ReceivedSpan) => Number(BigInt(span.endNs) - BigInt(span.startNs)) / 1e6;
      expect(bySlowness.filter((a) => ms(a.invocation[0]!) < KEEP_SLOWER_THAN_MS).map((a) => a.planned.tag)).toEqual([]);
      const [mean, sd] = [n * HEAD_RATIO, Math.sqrt(n * HEAD_RATIO * (1 - HEAD_RATIO))];
      expect(byHead.length).toBeGreaterThanOrEqual(Math.ceil(mean - Z * sd));
      expect(byHead.length).toBeLessThanOrEqual(Math.floor(mean + Z * sd));
    });

    it('no exported log record without its span: every trace and span a record names arrived', () => {
      const spans = new Set(received.spans.map((s) => `${s.traceId}/${s.spanId}`));
      const orphans = received.logs.filter((log) => log.traceId !== '' && !spans.has(`${log.traceId}/${log.spanId}`));
      expect(orphans.map((log) => String(log.body))).toEqual([]);
    });

    it('stdout still has every line of every invocation, exactly once, whatever was dropped', () => {
      const printed = runs
        .flatMap((run) => run.servers)
        .flatMap((server) => outputLines(server, 'stdout'))
        .flatMap((line) => line.match(/tail t\d+ (debug|info) \d+/g) ?? []);
      const expected = plan.flatMap(({ tag }) => [
        ...Array.from({ length: TAIL_LINES.debug }, (_, k) => `tail ${tag} debug ${k}`),
        ...Array.from({ length: TAIL_LINES.info }, (_, k) => `tail ${tag} info ${k}`),
      ]);
      expect(printed).toHaveLength(expected.length);
      expect(new Set(printed)).toEqual(new Set(expected));
    });

    it('no diagnostic line: a dropped invocation is not a delivery problem', () => {
      expect(runs.flatMap((run) => run.servers).flatMap((server) => diagnosticLines(server))).toEqual([]);
    });

    it('the metrics count every invocation exactly, and faas.sampling.dropped every invocation of which nothing arrived', () => {
      const metrics = received.metrics.filter((m) => m.resource['service.name'] === service);
      expect(metricTotal(metrics, 'faas.invocations')).toBe(count('ordinary') + count('slow'));
      expect(metricTotal(metrics, 'faas.errors')).toBe(count('throw') + count('http-5xx'));
      expect(metricTotal(metrics, 'faas.timeouts')).toBe(count('timeout'));
      const dropped = arrivals.filter((a) => !anyArrived(a));
      expect(dropped.length).toBe(ordinary().length - keptOrdinary().length);
      expect(metricTotal(metrics, 'faas.sampling.dropped')).toBe(dropped.length);
      for (const trigger of ['http', 'other'])
        expect(metricTotal(metrics, 'faas.sampling.dropped', { 'faas.trigger': trigger }), trigger).toBe(
          dropped.filter((a) => a.planned.trigger === trigger).length,
        );
    });
  },
);
