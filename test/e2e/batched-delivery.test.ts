import { beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';
import { statuses } from '../helpers/sinks.ts';
import {
  arrivals,
  burstyTraffic,
  deliveredKeys,
  deliveryProblems,
  phaseWindows,
  runBatched,
  seededRandom,
  sent,
  steadyTraffic,
  type BatchedRun,
  type PhaseWindow,
} from './batched-delivery-run.ts';

// Batched delivery (docs/delivery.md, the `delivery` setting): with the flush after the response, an invocation may hold its
// records for a later one, and Lambda freezes the environment with them in memory. Under the Runtime API
// emulator (SIGSTOP at every /next; SIGTERM, then SIGKILL 500 ms later, when the environment is retired)
// against the in-process OTLP receiver: nothing is lost or sent twice, a record waits about the max age at
// most while invocations keep coming, an invocation that holds is not billed for an export, a failed one sends
// before its own freeze.

const MAX_AGE_MS = 1000;
// A failing run prints this; setting it replays the same traffic and the same SIGTERM.
const BASE_SEED = Number(process.env.BATCHED_DELIVERY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const replay = `replay with BATCHED_DELIVERY_SEED=${BASE_SEED}`;

let taskRoot: string;
beforeAll(async () => {
  taskRoot = (await buildFixtureFunction('batched')).dir;
}, 60_000);

/** Waits (bounded) for the function's last stdout lines, which may come after its exit, then lists the problems. */
async function settledProblems(run: BatchedRun): Promise<ReturnType<typeof deliveryProblems>> {
  const complete = () => deliveryProblems(run).missing.length === 0;
  await run.lambda.until(complete, 'every record at the receiver or on stdout', 5000).catch(() => undefined);
  return deliveryProblems(run);
}

/** The phase of the first invocation that started at or after `at`: by its decision, nothing held is older than the max age. */
const firstStartedAfter = (phases: readonly PhaseWindow[], at: number) => phases.find((p) => p.start >= at);

describe.each(RUNTIMES)('batched delivery under %s, frozen at every /next', (_name, runtime) => {
  it.each([0, 1, 2])(
    'run %i: bursts, pauses and gaps past the max age, a few failures, SIGTERM at a random point: every record exactly once',
    async (index) => {
      const random = seededRandom(BASE_SEED + index + (runtime ? 100 : 0));
      const steps = burstyTraffic(random, 800 + Math.floor(random() * 700), MAX_AGE_MS);
      const frozenBeforeStopMs = Math.floor(random() * 1500);
      const run = await runBatched(steps, { taskRoot, runtime, maxAgeMs: MAX_AGE_MS, frozenBeforeStopMs });
      const failures = steps.filter((s) => s.fail).length;
      expect(statuses(run.results), replay).toEqual(
        failures > 0 ? { success: steps.length - failures, error: failures } : { success: steps.length },
      );
      expect(run.lambda.lastShutdown, replay).toBe('sigterm');
      expect(await settledProblems(run), replay).toEqual({ missing: [], duplicated: [], strays: [] });
      // Batched indeed: far fewer export requests than invocations (per-invocation delivery sends two each).
      const requests = arrivals(run.receiver).length;
      expect(requests, replay).toBeLessThan(steps.length / 4);
      expect(run.lambda.freezes).toBeGreaterThanOrEqual(steps.length);
      const { stdout } = deliveredKeys(run);
      const lastEnd = Math.max(...phaseWindows(run.lambda.phases).map((p) => p.end));
      const atSigterm = arrivals(run.receiver)
        .filter((a) => a.at > lastEnd)
        .flatMap((a) => a.keys).length;
      console.info(
        `${replay}: ${steps.length} invocations, ${requests} export requests, ${atSigterm} records sent at SIGTERM, ${stdout.length} on stdout`,
      );
    },
    60_000,
  );

  it('at 20 invocations a second, no record waits much past the max age, and few invocations export', async () => {
    const steps = steadyTraffic(100, 20);
    const run = await runBatched(steps, { taskRoot, runtime, maxAgeMs: MAX_AGE_MS });
    expect(statuses(run.results)).toEqual({ success: steps.length });
    expect(await settledProblems(run)).toEqual({ missing: [], duplicated: [], strays: [] });
    const phases = phaseWindows(run.lambda.phases);
    const all = arrivals(run.receiver);
    const epochOfPerf = Date.now() - performance.now();
    const late: string[] = [];
    let checked = 0;
    for (const arrival of all) {
      for (const [key, written] of arrival.written) {
        const at = written - epochOfPerf;
        // Records the SIGTERM sent had no later invocation to send them: the max age holds while invocations come.
        const sender = firstStartedAfter(phases, at + MAX_AGE_MS);
        if (!sender) continue;
        checked++;
        // A loaded machine may start that invocation late: the record may then wait for it, no longer.
        const bound = Math.max(at + MAX_AGE_MS + 300, sender.end);
        if (arrival.at > bound) late.push(`${key} waited ${Math.round(arrival.at - at)} ms`);
      }
    }
    expect(checked).toBeGreaterThan(steps.length / 2);
    expect(late).toEqual([]);
    // The mechanism: most invocations held (and froze at once); one in about twenty sent what they all made.
    const senders = phases.filter((p) => sent(p, all));
    expect(senders.length).toBeGreaterThanOrEqual(2);
    expect(senders.length).toBeLessThan(steps.length / 4);
    expect(all.length).toBeLessThan(steps.length / 2);
  }, 60_000);

  it('with a collector answering in 100 ms, an invocation that holds is billed for its response only', async () => {
    const steps = steadyTraffic(80, 20);
    const run = await runBatched(steps, { taskRoot, runtime, maxAgeMs: MAX_AGE_MS, latencyMs: 100 });
    expect(statuses(run.results)).toEqual({ success: steps.length });
    const phases = phaseWindows(run.lambda.phases);
    const all = arrivals(run.receiver);
    const senders = phases.filter((p) => sent(p, all));
    const holders = phases.filter((p) => !sent(p, all));
    expect(senders.length).toBeGreaterThanOrEqual(2);
    expect(holders.length).toBeGreaterThan(phases.length * 0.75);
    // An invocation that sent waited for the answer before the freeze: billed 100 ms past its response at least...
    expect(senders.filter((p) => p.afterResponseMs < 100).map((p) => p.afterResponseMs)).toEqual([]);
    // ...and those are the ones billed that long: one that held asked for its next event at once.
    const billedLong = phases.filter((p) => p.afterResponseMs >= 100).length;
    expect(billedLong).toBeLessThanOrEqual(senders.length + Math.max(2, phases.length * 0.05));
    const median = holders.map((p) => p.afterResponseMs).sort((a, b) => a - b)[Math.floor(holders.length / 2)]!;
    expect(median).toBeLessThan(30);
  }, 60_000);

  it('a crash between invocations (no SIGTERM) writes what was held to stdout: every record exactly once', async () => {
    const steps = [...steadyTraffic(29, 20), { lines: 0, crash: true }];
    const run = await runBatched(steps, { taskRoot, runtime, maxAgeMs: 60_000 });
    expect(run.lambda.lastShutdown).not.toBe('sigterm');
    expect(await settledProblems(run)).toEqual({ missing: [], duplicated: [], strays: [] });
    // Held since the first invocation (a max age of a minute): what the crash would have lost went to stdout.
    expect(deliveredKeys(run).stdout.length).toBeGreaterThan(20);
  }, 60_000);

  it('a failed invocation in a steady stream sends its records before its own freeze', async () => {
    const FAILING = 20;
    const steps = steadyTraffic(40, 20).map((step, i) => (i === FAILING ? { ...step, fail: true } : step));
    const run = await runBatched(steps, { taskRoot, runtime, maxAgeMs: MAX_AGE_MS });
    expect(statuses(run.results)).toEqual({ success: steps.length - 1, error: 1 });
    expect(await settledProblems(run)).toEqual({ missing: [], duplicated: [], strays: [] });
    const failed = run.results[FAILING]!.requestId;
    const phase = phaseWindows(run.lambda.phases).find((p) => p.requestId === failed)!;
    const all = arrivals(run.receiver);
    const own = [`span ${failed}`, `log ${failed} 0`];
    // In ms after its response: each within its invoke phase, so before the freeze that ends it.
    const arrivedAfterResponse = own
      .map((key) => all.find((a) => a.keys.includes(key))?.at)
      .map((at) => (at === undefined ? undefined : at - phase.respondedAt));
    const phaseAfterResponse = phase.end - phase.respondedAt;
    expect(
      arrivedAfterResponse.filter((ms) => ms === undefined || ms < 0 || ms > phaseAfterResponse),
      `phase: ${phaseAfterResponse} ms after the response`,
    ).toEqual([]);
    // Not per-invocation delivery in disguise: the stream around it held.
    expect(phaseWindows(run.lambda.phases).filter((p) => sent(p, all)).length).toBeLessThan(steps.length / 4);
  }, 60_000);
});
