import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEdgeObservability } from '../../src/edge.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let server: LoopbackServer;
let receiver: OtlpReceiver;
beforeAll(async () => {
  server = await startLoopbackServer();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});

describe('edge outbound fetch', () => {
  it('two setups in one isolate make one CLIENT span per fetch, and shutting down puts the global fetch back', async () => {
    const original = globalThis.fetch;
    const first = createEdgeObservability({ endpoint: receiver.url, serviceName: 'first', captureConsole: false });
    const second = createEdgeObservability({
      endpoint: receiver.url,
      serviceName: 'second',
      captureConsole: false,
      registerGlobals: false,
    });
    const handler = first.wrap(async (_request: Request) => new Response(String((await fetch(`${server.url}/once`)).status)));
    // The second setup exists (its own fetch wrapper installed) before the request.
    await second.wrap(async (_request: Request) => new Response('warm'))(new Request('http://edge.test/warm'));
    expect(await (await handler(new Request('http://edge.test/'))).text()).toBe('200');
    await first.shutdown();
    await second.shutdown();
    expect(globalThis.fetch).toBe(original);
    const clients = receiver.spans.filter((s) => s.kind === 3); // OTLP's CLIENT
    expect(clients.map((c) => c.attributes['url.full'])).toEqual([`${server.url}/once`]);
    expect(server.requests[0]!.headers.traceparent).toBe(`00-${clients[0]!.traceId}-${clients[0]!.spanId}-01`);
  });

  it('outbound: false leaves the global fetch alone and makes no CLIENT span', async () => {
    const original = globalThis.fetch;
    const before = receiver.spans.length;
    const observability = createEdgeObservability({ endpoint: receiver.url, outbound: false, captureConsole: false });
    const handler = observability.wrap(async (_request: Request) => {
      expect(globalThis.fetch).toBe(original);
      return new Response(String((await fetch(`${server.url}/off`)).status));
    });
    expect(await (await handler(new Request('http://edge.test/'))).text()).toBe('200');
    await observability.shutdown();
    expect(receiver.spans.slice(before).filter((s) => s.kind === 3)).toEqual([]);
    expect(server.requests.find((r) => r.path === '/off')!.headers.traceparent).toBeUndefined();
  });
});
