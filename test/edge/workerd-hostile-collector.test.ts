import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';
import { startWorkerWithStdio } from './workerd-stdio.ts';

// The fetch transport in real workerd, where the edge path has code of its own: the answer's body read
// through a ReadableStream reader, cancelled past its bound or aborted by the deadline.
let code: string;
let receiver: OtlpReceiver;
beforeAll(async () => {
  ({ code } = await buildEdgeBundle('test/edge/fixtures/worker.ts', '.cache/edge/worker-hostile.mjs'));
  receiver = await startOtlpReceiver();
}, 60_000);
afterAll(() => receiver?.close());

describe('a collector that answers 400 and never ends the body, to a Worker in real workerd (miniflare)', () => {
  it('the status decides at once: the diagnostic names the 400 long before the export timeout', async () => {
    receiver.behave({ status: 400, stallBody: true });
    // Reading the body whole would wait for the export timeout (a share of the 30 s flush budget): the answer
    // is named within a third of it (at once, on an idle machine).
    const { mf, stderr } = startWorkerWithStdio(code, { OTLP_ENDPOINT: receiver.url, FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '30000' });
    try {
      const started = performance.now();
      expect(await (await mf.dispatchFetch('http://worker.test/?id=rejected')).text()).toBe('ok rejected');
      const diagnostics = () => stderr.filter((line) => line.includes('[faas-observability]')).join('\n');
      await waitFor(() => diagnostics().includes('HTTP 400'), 15_000);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(diagnostics()).toContain('HTTP 400 Bad Request');
      expect(diagnostics()).not.toMatch(/no answer|circuit/);
      // Not an outage: the next request goes to the collector, which answers normally again.
      receiver.behave({});
      expect(await (await mf.dispatchFetch('http://worker.test/?id=after')).text()).toBe('ok after');
      await waitFor(() => receiver.logs.some((log) => log.body === 'request after end'), 15_000);
    } finally {
      await mf.dispose();
    }
  }, 60_000);
});
