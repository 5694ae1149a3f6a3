import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/loopback.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { emfEntries, emfTotal } from '../helpers/emf-output.ts';
import { checkRun, eventFor, expectedTotals, planFor, type PlannedStep } from '../helpers/metrics-plan.ts';
import { runPlan, type EnvironmentRun } from '../helpers/run-plan.ts';
import {
  eventually,
  queryMetrics,
  realStackAvailability,
  startStackCollector,
  startVictoriaMetrics,
  type MetricSample,
  type RunningStackCollector,
  type RunningVictoriaMetrics,
} from '../helpers/real-stack.ts';

// The acceptance test of the metrics: three function processes under the freeze harness, a known plan of
// successes, errors (thrown, and HTTP 500s), timeouts and cold starts, one environment reclaimed mid-run
// (SIGKILL while frozen at /next, as Lambda does), through the real collector to VictoriaMetrics; and the
// same with the collector down, through CloudWatch EMF on stdout. Every total is compared exactly.

const availability = realStackAvailability(['victoria-metrics', 'collector']);
const ENVIRONMENTS = 3;
// The safety net ends a timed-out invocation and flushes a tenth of the timeout before the deadline (at most
// FAAS_OBSERVABILITY_TIMEOUT_SAFETY_MS): 600 ms leave that flush room on a loaded machine, so no point is
// spilled to stdout at the deadline. Room for the other flushes too: the test counts points, not speed.
const TIMEOUT_MS = 6000;
const ROOM = { FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000', FAAS_OBSERVABILITY_TIMEOUT_SAFETY_MS: '600' };
const RUN = { functionName: 'orders-metrics', environments: ENVIRONMENTS, timeoutMs: TIMEOUT_MS, event: eventFor } as const;
const allServers = (runs: readonly EnvironmentRun<PlannedStep>[]) => runs.flatMap((run) => run.servers);

/** The one value of a query summed into a single series, or what came back instead. */
function single(samples: MetricSample[]): number | MetricSample[] {
  return samples.length === 1 ? samples[0]!.value : samples;
}

function byLabel(samples: MetricSample[], label: string): Record<string, number> {
  return Object.fromEntries(samples.map((sample) => [sample.metric[label] ?? '', sample.value]));
}

describe.skipIf(!availability.run)(
  `1,000 invocations in ${ENVIRONMENTS} frozen environments, one SIGKILLed while frozen → the real collector → VictoriaMetrics ${availability.reason}`,
  () => {
    const INVOCATIONS = 1000;
    // Environment 1 is reclaimed before its 150th invocation, and a fresh one takes its place.
    const kill = { environment: 1, before: 150 };
    const plan = planFor(INVOCATIONS, ENVIRONMENTS, kill);
    const expected = expectedTotals(plan);
    const service = `metrics-freeze-${randomBytes(4).toString('hex')}`;
    let store: RunningVictoriaMetrics;
    let collector: RunningStackCollector | undefined;
    let runs: EnvironmentRun<PlannedStep>[] = [];
    const of = (name: string) => `{__name__="${name}","service.name"="${service}"}`;
    const total = async (name: string) => single(await queryMetrics(store.url, `sum(sum_over_time(${of(name)}[1h]))`));
    const split = async (name: string, label: string) =>
      byLabel(await queryMetrics(store.url, `sum by ("${label}") (sum_over_time(${of(name)}[1h]))`), label);

    beforeAll(async () => {
      const [started, artifact] = await Promise.all([startVictoriaMetrics(), buildFixtureFunction('metrics')]);
      store = started;
      // Only the metrics pipeline is used: the logs and traces exporters point at a closed port.
      collector = await startStackCollector({
        logsOtlpEndpoint: 'http://127.0.0.1:9',
        tracesOtlpEndpoint: 'http://127.0.0.1:9',
        metricsOtlpEndpoint: store.otlpEndpoint,
      });
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_SERVICE_NAME: service, ...ROOM };
      runs = await runPlan(plan, { ...RUN, taskRoot: artifact.dir, env, kill });
      // Stopped (SIGTERM), the collector sends what its batch holds: after that nothing more is on its way.
      await collector.stop();
      collector = undefined;
      await eventually(
        async () => {
          await store.flush();
          return total('orders.amount_count');
        },
        (count) => count === INVOCATIONS,
      );
    }, 300_000);
    afterAll(async () => {
      await collector?.stop();
      await store?.stop();
    }, 60_000);

    it('ran the plan: each outcome, a new process at each cold start, one environment SIGKILLed frozen; nothing spilled to stdout', () => {
      expect(expected).toMatchObject({ timeouts: 6, coldStarts: ENVIRONMENTS + 1 + 6 });
      checkRun(runs);
      expect(emfEntries(allServers(runs))).toEqual([]);
    });

    it('every process is a series of its own (faas.instance): no two processes share one', async () => {
      const instances = await queryMetrics(
        store.url,
        `count by ("faas.instance") (count_over_time(${of('faas.invoke_duration_count')}[1h]))`,
      );
      expect(instances).toHaveLength(expected.coldStarts);
    });

    it('faas.invocations, faas.errors, faas.timeouts, faas.coldstarts and the duration counts add up exactly', async () => {
      expect(await total('faas.invocations')).toBe(expected.invocations);
      expect(await total('faas.errors')).toBe(expected.errors);
      expect(await total('faas.timeouts')).toBe(expected.timeouts);
      expect(expected.invocations + expected.errors + expected.timeouts).toBe(INVOCATIONS);
      expect(await total('faas.coldstarts')).toBe(expected.coldStarts);
      expect(await total('faas.invoke_duration_count')).toBe(INVOCATIONS);
      expect(await total('faas.init_duration_count')).toBe(expected.coldStarts);
    });

    it('splits exactly by faas.trigger', async () => {
      expect(await split('faas.invocations', 'faas.trigger')).toEqual(expected.invocationsByTrigger);
      expect(await split('faas.errors', 'faas.trigger')).toEqual(expected.errorsByTrigger);
      expect(await split('faas.timeouts', 'faas.trigger')).toEqual(expected.timeoutsByTrigger);
    });

    it('http.server.request.duration counts each HTTP invocation once, by http.response.status_code', async () => {
      expect(await split('http.server.request.duration_count', 'http.response.status_code')).toEqual(expected.httpByStatus);
    });

    it('the user meters made at module scope: the counter by its attribute, the histogram, the up-down counter', async () => {
      expect(await total('orders.placed')).toBe(expected.ordersPlaced);
      expect(await split('orders.placed', 'order.channel')).toEqual(expected.ordersByChannel);
      expect(await total('orders.amount_count')).toBe(INVOCATIONS);
      expect(await total('orders.amount_sum')).toBe(expected.amountSum);
      // Cumulative (an up-down counter stays so under the delta preference): each process's last point is its
      // level, 1 in a process a timeout ended (its `finally` never ran), 0 in the others.
      expect(single(await queryMetrics(store.url, `sum(last_over_time(${of('orders.in_flight')}[1h]))`))).toBe(expected.timeouts);
    });
  },
);

describe('the collector down (nothing listening): the same kind of run writes CloudWatch EMF on stdout, and it adds up', () => {
  const INVOCATIONS = 150;
  const kill = { environment: 1, before: 25 };
  const plan = planFor(INVOCATIONS, ENVIRONMENTS, kill);
  const expected = expectedTotals(plan);
  const service = `metrics-emf-${randomBytes(4).toString('hex')}`;
  let runs: EnvironmentRun<PlannedStep>[] = [];

  beforeAll(async () => {
    const artifact = await buildFixtureFunction('metrics');
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await freePort()}`, OTEL_SERVICE_NAME: service, ...ROOM };
    runs = await runPlan(plan, { ...RUN, taskRoot: artifact.dir, env, kill });
  }, 180_000);

  it('ran the plan: each outcome, a new process at each cold start, one environment SIGKILLed frozen', () => {
    expect(expected).toMatchObject({ timeouts: 1, coldStarts: ENVIRONMENTS + 1 + 1 });
    checkRun(runs);
  });

  it('every EMF line is valid against the specification, under the service, and the totals are exact', () => {
    const entries = emfEntries(allServers(runs));
    expect(entries.length).toBeGreaterThan(0);
    expect(new Set(entries.map((e) => e.dimensions['service.name']))).toEqual(new Set([service]));
    expect(emfTotal(entries, 'faas.invocations')).toBe(expected.invocations);
    expect(emfTotal(entries, 'faas.errors')).toBe(expected.errors);
    expect(emfTotal(entries, 'faas.timeouts')).toBe(expected.timeouts);
    expect(emfTotal(entries, 'faas.coldstarts')).toBe(expected.coldStarts);
    expect(emfTotal(entries, 'faas.invoke_duration')).toBe(INVOCATIONS);
    expect(emfTotal(entries, 'faas.errors', 'faas.trigger')).toEqual(expected.errorsByTrigger);
    expect(emfTotal(entries, 'http.server.request.duration', 'http.response.status_code')).toEqual(expected.httpByStatus);
  });

  it('the user counter by its attribute, and the histogram', () => {
    const entries = emfEntries(allServers(runs));
    expect(emfTotal(entries, 'orders.placed')).toBe(expected.ordersPlaced);
    expect(emfTotal(entries, 'orders.placed', 'order.channel')).toEqual(expected.ordersByChannel);
    expect(emfTotal(entries, 'orders.amount')).toBe(INVOCATIONS);
  });
});
