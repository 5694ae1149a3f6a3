import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';
import { startWorkerWithStdio } from './workerd-stdio.ts';

// Two createEdgeObservability setups in one isolate of real workerd share its console, global fetch and
// API registration (one owner); each request's records and spans are exported by the setup that serves it.

const SERVER = 2;
const CLIENT = 3;
let receiver: OtlpReceiver;
let backend: LoopbackServer;
let worker: ReturnType<typeof startWorkerWithStdio>;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  backend = await startLoopbackServer();
  const { code } = await buildEdgeBundle('test/edge/fixtures/two-setups-worker.ts', '.cache/edge/two-setups-worker.mjs');
  worker = startWorkerWithStdio(code, { OTLP_ENDPOINT: receiver.url, BACKEND_URL: backend.url });
  mf = worker.mf;
  await mf.ready;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
  await backend?.close();
});

describe('two setups in one isolate of real workerd', () => {
  it('requests A, B, A: each setup exports exactly its own logs and spans; no duplicate registration on stderr', async () => {
    for (const path of ['/a/1', '/b/2', '/a/3'])
      expect(await (await mf.dispatchFetch(`http://worker.test${path}`)).text()).toMatch(/^[ab] /);
    await waitFor(() => receiver.logs.length >= 6 && receiver.spans.length >= 6);
    const logsOf = (service: string) =>
      receiver.logs
        .filter((l) => l.resource['service.name'] === service)
        .map((l) => String(l.body))
        .sort();
    expect(logsOf('setup-a')).toEqual(['a done /a/1', 'a done /a/3', 'a handling /a/1', 'a handling /a/3']);
    expect(logsOf('setup-b')).toEqual(['b done /b/2', 'b handling /b/2']);
    for (const service of ['setup-a', 'setup-b']) {
      const spans = receiver.spans.filter((s) => s.resource['service.name'] === service);
      const servers = spans.filter((s) => s.kind === SERVER);
      const clients = spans.filter((s) => s.kind === CLIENT);
      expect(servers).toHaveLength(service === 'setup-a' ? 2 : 1);
      // The outbound call of each request is a child of that request's span, in the same setup.
      expect(clients.map((c) => c.parentSpanId).sort()).toEqual(servers.map((s) => s.spanId).sort());
      const logs = receiver.logs.filter((l) => l.resource['service.name'] === service);
      expect(logs.every((l) => servers.some((s) => s.spanId === l.spanId && s.traceId === l.traceId))).toBe(true);
    }
    expect(worker.stderr.filter((line) => /duplicate registration/i.test(line))).toEqual([]);
  });
});
