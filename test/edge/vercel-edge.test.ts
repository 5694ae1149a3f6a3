import { AsyncLocalStorage } from 'node:async_hooks';
import { EdgeRuntime } from 'edge-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { gate } from '../helpers/fake-exporters.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { expectOwnTraceIds, waitFor } from './edge-assertions.ts';

let receiver: OtlpReceiver;
let code: string;

/** The fixture's fetch handler registered the way Vercel's Edge Runtime calls it, with the event's waitUntil. */
const GLUE = `
addEventListener('fetch', (event) => {
  event.respondWith(fixture.handler(event.request, { waitUntil: (promise) => event.waitUntil(promise) }));
});`;

function runtime(withAsyncLocalStorage: boolean, env: Record<string, string> = {}) {
  return new EdgeRuntime({
    initialCode: code + GLUE,
    extend: (context) =>
      Object.assign(context, {
        process: { env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env } },
        // Vercel's production Edge Runtime offers AsyncLocalStorage; its local emulator does not.
        ...(withAsyncLocalStorage ? { AsyncLocalStorage } : {}),
      }),
  });
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  code = (await buildEdgeBundle('test/edge/fixtures/fetch-handler.ts', '.cache/edge/fetch-handler.iife.js', 'iife', 'fixture')).code;
}, 60_000);
afterAll(() => receiver?.close());

describe("a fetch handler in Vercel's Edge Runtime (edge-runtime)", () => {
  it('answers before the export, which runs in waitUntil and arrives afterwards', async () => {
    const edge = runtime(true);
    // The sink answers only once the response is here: a flush before the response would time out against it.
    const sink = gate();
    receiver.behave({ until: sink.wait });
    const response = await edge.dispatchFetch('http://edge.test/?id=slow-sink', {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(await response.text()).toBe('ok slow-sink');
    sink.open();
    await response.waitUntil();
    receiver.behave({});
    const span = receiver.spans.find((s) => s.traceId === '4bf92f3577b34da6a3ce929d0e0e4736')!;
    expect(span).toMatchObject({
      parentSpanId: '00f067aa0ba902b7',
      resource: { 'cloud.provider': 'vercel', 'cloud.platform': 'vercel_edge_functions' },
    });
    const logs = receiver.logs.filter((l) => String(l.body).startsWith('request slow-sink'));
    expect(logs.map((l) => l.body).sort()).toEqual(['request slow-sink background', 'request slow-sink end', 'request slow-sink start']);
    expect(logs.every((l) => l.spanId === span.spanId)).toBe(true);
  });

  it('1000 concurrent requests: 1000 traces, each log carries only its own trace id', async () => {
    const edge = runtime(true);
    const before = receiver.spans.length;
    const responses = await Promise.all(Array.from({ length: 1000 }, (_, i) => edge.dispatchFetch(`http://edge.test/?id=v${i}`)));
    expect((await Promise.all(responses.map((r) => r.text()))).filter((text, i) => text === `ok v${i}`)).toHaveLength(1000);
    await Promise.all(responses.map((r) => r.waitUntil()));
    // Spans and logs travel in separate requests: wait for both, or a log is checked before its span arrives.
    await waitFor(
      () => receiver.logs.filter((l) => /^request v\d+ /.test(String(l.body))).length === 3000 && receiver.spans.length - before >= 1000,
      30_000,
    );
    expectOwnTraceIds(receiver.spans.slice(before), receiver.logs, /^request (v\d+) /, 1000);
  }, 60_000);

  it('gzip asked for where the runtime has no CompressionStream (the local emulator): sent as is, never labelled gzip', async () => {
    const edge = runtime(true, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(edge.evaluate('typeof CompressionStream')).toBe('undefined');
    const before = receiver.requests.length;
    const response = await edge.dispatchFetch('http://edge.test/?id=plain');
    await response.waitUntil();
    await waitFor(() => receiver.logs.some((l) => l.body === 'request plain end'));
    expect(receiver.requests.slice(before).map((r) => r.headers['content-encoding'])).not.toContain('gzip');
  });

  it('without AsyncLocalStorage (the local emulator) it says so, and logs after an await lose their span', async () => {
    const edge = runtime(false);
    const response = await edge.dispatchFetch('http://edge.test/?id=no-als');
    await response.waitUntil();
    await waitFor(() => receiver.logs.some((l) => l.body === 'request no-als end'));
    const start = receiver.logs.find((l) => l.body === 'request no-als start')!;
    const end = receiver.logs.find((l) => l.body === 'request no-als end')!;
    expect(start.spanId).not.toBe('');
    expect(end.spanId).toBe('');
  });
});
