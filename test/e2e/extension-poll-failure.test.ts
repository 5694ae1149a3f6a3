import { beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { startDelayProxy } from '../helpers/delay-proxy.ts';
import { statuses } from '../helpers/sinks.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { expectAllDelivered, exportsBeforeResponse, libraryDiagnostics, type Run } from './post-response-assertions.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

// The internal extension survives a failed /event/next: the emulator (frozen at every /next) makes the
// extension's next /event/next calls fail (a reset connection or a 500) right after an invocation, and the
// real collector counts what arrived.

const availability = collectorAvailability();
const TIMEOUT_MS = 3000;

let taskRoot: string;
beforeAll(async () => {
  if (!availability.run) return;
  const artifact = await buildFixtureFunction('post-response');
  taskRoot = artifact.dir;
}, 60_000);

/** Ten invocations; after the first one's invoke phase, the extension's next `failures` /event/next calls fail. */
async function run(runtime: string[] | undefined, failures: number, kind: 'reset' | 500): Promise<Run> {
  const collector = await startCollector();
  const proxy = await startDelayProxy(collector.endpoint, 20);
  const lambda = await RuntimeApiServer.start({
    taskRoot,
    handler: 'index.handler',
    functionName: 'poll-failure',
    timeoutMs: TIMEOUT_MS,
    runtime,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: proxy.url, FIXTURE_TOP_LEVEL_AWAIT: '1' },
  });
  const results: InvocationResult[] = [];
  try {
    results.push(await lambda.invoke({ i: 0 }));
    // The extension is parked in /event/next again: the faults hit its call after the next invocation.
    await lambda.idle();
    lambda.extensions.failNextEvents(failures, kind);
    for (let i = 1; i < 10; i++) results.push(await lambda.invoke({ i }));
    await lambda.idle();
  } finally {
    await lambda.stop({ graceful: false });
    await proxy.close();
  }
  const { spans, logs } = await collector.stop();
  return { lambda, results, arrivals: proxy.arrivals, spans, logs };
}

describe.skipIf(!availability.run).each(RUNTIMES)(`a failed /event/next, under %s ${availability.reason}`, (_name, runtime) => {
  it.each([['reset' as const], [500 as const]])(
    'one transient failure (%s): tried again, the same process flushes after every response, no phase held to its deadline',
    async (kind) => {
      const r = await run(runtime, 1, kind);
      expect(statuses(r.results)).toEqual({ success: 10 });
      // The mechanism: the retry's /event/next ended each invoke phase; no reset, no fallback.
      expect(r.lambda.extensionOverruns).toBe(0);
      expect(r.lambda.processNumber).toBe(1);
      expect(r.lambda.phases).toHaveLength(10);
      expect(r.lambda.extensions.exitErrors).toEqual([]);
      expect(exportsBeforeResponse(r).every((n) => n === 0)).toBe(true);
      expectAllDelivered(r);
      expect(libraryDiagnostics(r.lambda)).toEqual([]);
    },
    60_000,
  );

  it('a persistent failure: exit/error reported once, said once, the environment reset after one held phase, nothing lost', async () => {
    // The first try and every retry fail, in that process only.
    const r = await run(runtime, 4, 500);
    expect(statuses(r.results)).toEqual({ success: 10 });
    expect(r.lambda.extensions.exitErrors).toEqual(['Extension.PollFailed']);
    const lines = libraryDiagnostics(r.lambda);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/post-response flush stopped: .*\/event\/next answered 500.*exit\/error reported \(202\)/);
    // rapid does not release the invoke gate on exit/error: that one phase ends at its deadline (the
    // reset); the next invocation starts a new process, which registers and flushes after the response.
    expect(r.lambda.extensionOverruns).toBe(1);
    expect(r.lambda.processNumber).toBe(2);
    expect(r.lambda.extensions.registrations).toEqual(['200', '200']);
    expect(exportsBeforeResponse(r).every((n) => n === 0)).toBe(true);
    expectAllDelivered(r);
  }, 60_000);
});
