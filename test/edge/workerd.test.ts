import { readFileSync } from 'node:fs';
import { Miniflare } from 'miniflare';
import { startBundledWorker } from './bundled-worker.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gate } from '../helpers/fake-exporters.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { expectOwnTraceIds, waitFor } from './edge-assertions.ts';
import { buildExampleFunction } from '../helpers/build-function.ts';

let receiver: OtlpReceiver;
let mf: Miniflare;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  // Bounds far above what a thousand concurrent requests need on a loaded machine: the tests count records.
  mf = await startBundledWorker('worker.ts', {
    OTLP_ENDPOINT: receiver.url,
    OTEL_EXPORTER_OTLP_TIMEOUT: '20000',
    FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '40000',
  });
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await receiver?.close();
});

describe('a Worker in real workerd (miniflare)', () => {
  it('answers before the export: the response arrives while the sink holds every answer; everything arrives afterwards', async () => {
    // The sink answers only once the response is here. Had the response waited for the flush, the export
    // would have timed out against the held sink and its records would be missing below.
    const sink = gate();
    receiver.behave({ until: sink.wait });
    const response = await mf.dispatchFetch('http://worker.test/items?id=slow-sink', {
      headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    });
    expect(await response.text()).toBe('ok slow-sink');
    sink.open();
    await waitFor(
      () => receiver.logs.filter((l) => String(l.body).startsWith('request slow-sink')).length === 4 && receiver.spans.length > 0,
    );
    receiver.behave({});
    const span = receiver.spans.find((s) => s.name === 'GET /items')!;
    expect(span).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      kind: 2,
      attributes: {
        'faas.trigger': 'http',
        'http.request.method': 'GET',
        'http.route': '/items',
        'url.path': '/items',
        'url.query': 'id=slow-sink',
        'http.response.status_code': 200,
      },
      resource: { 'service.name': 'edge-worker', 'cloud.provider': 'cloudflare', 'cloud.platform': 'cloudflare_workers' },
    });
    // Logs written in waitUntil work after the response — nested too — are in the flush and in the trace.
    const logs = receiver.logs.filter((l) => String(l.body).startsWith('request slow-sink'));
    expect(logs.map((l) => l.body).sort()).toEqual([
      'request slow-sink background',
      'request slow-sink end',
      'request slow-sink nested',
      'request slow-sink start',
    ]);
    expect(logs.every((l) => l.traceId === span.traceId && l.spanId === span.spanId)).toBe(true);
  });

  it('5xx and thrown errors set status ERROR', async () => {
    expect((await mf.dispatchFetch('http://worker.test/?id=fail')).status).toBe(503);
    expect((await mf.dispatchFetch('http://worker.test/?id=boom')).status).toBe(500);
    await waitFor(() => receiver.spans.filter((s) => s.status.code === 2).length >= 2);
    const failed = receiver.spans.filter((s) => s.status.code === 2);
    expect(failed.map((s) => s.attributes['http.response.status_code'] ?? s.events[0]?.attributes['exception.message'])).toEqual(
      expect.arrayContaining([503, 'boom']),
    );
  });

  it('a cron trigger is a timer span with faas.cron', async () => {
    // miniflare's type mapping loses Fetcher.scheduled; the runtime object has it.
    const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string; scheduledTime: Date }): Promise<unknown> };
    await worker.scheduled({ cron: '*/5 * * * *', scheduledTime: new Date('2026-11-24T14:00:00Z') });
    await waitFor(() => receiver.spans.some((s) => s.attributes['faas.trigger'] === 'timer'));
    const span = receiver.spans.find((s) => s.attributes['faas.trigger'] === 'timer')!;
    expect(span).toMatchObject({
      name: 'cron */5 * * * *',
      attributes: { 'faas.cron': '*/5 * * * *', 'faas.time': '2026-11-24T14:00:00.000Z' },
    });
    await waitFor(() => receiver.logs.some((l) => l.body === 'cron */5 * * * *'));
  });

  it('1000 concurrent requests: 1000 traces, each log carries only its own trace id', async () => {
    const before = receiver.spans.length;
    const responses = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => mf.dispatchFetch(`http://worker.test/?id=c${i}`).then((r) => r.text())),
    );
    expect(responses.filter((text, i) => text === `ok c${i}`)).toHaveLength(1000);
    // Spans and logs travel in separate requests: wait for both, or a log is checked before its span arrives.
    await waitFor(
      () => receiver.logs.filter((l) => /^request c\d+ /.test(String(l.body))).length === 4000 && receiver.spans.length - before >= 1000,
      30_000,
    );
    expectOwnTraceIds(receiver.spans.slice(before), receiver.logs, /^request (c\d+) /, 1000);
  }, 60_000);
});

describe('the edge-worker example, as build.mjs makes it, in workerd', () => {
  it('serves, runs its Cron Trigger, and exports both', async () => {
    const artifact = await buildExampleFunction('edge-worker');
    const example = new Miniflare({
      modules: true,
      script: readFileSync(`${artifact.dir}/index.mjs`, 'utf8'),
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    try {
      const response = await example.dispatchFetch('https://edge-worker.example.workers.dev/items?id=7');
      expect(await response.json()).toEqual({ path: '/items', id: '7' });
      await waitFor(() => receiver.spans.some((s) => s.resource['service.name'] === 'edge-worker' && s.name === 'GET /items'));
      await waitFor(() => receiver.logs.some((l) => String(l.body).startsWith('recorded a page view')));
    } finally {
      await example.dispose();
    }
  });
});
