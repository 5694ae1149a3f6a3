import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle } from '../../tools/build-artifacts.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { waitFor } from './edge-assertions.ts';
import { startWorkerWithStdio } from './workerd-stdio.ts';

let receiver: OtlpReceiver;
let code: string;
const workers: Miniflare[] = [];

async function worker(bindings: Record<string, string>): Promise<Miniflare> {
  const { mf } = startWorkerWithStdio(code, bindings);
  workers.push(mf);
  await mf.ready;
  return mf;
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  code = (await buildEdgeBundle('test/edge/fixtures/worker.ts', `.cache/edge/worker-gzip-${process.pid}.mjs`)).code;
}, 60_000);

afterAll(async () => {
  await Promise.all(workers.map((mf) => mf.dispose()));
  await receiver?.close();
});

describe('OTEL_EXPORTER_OTLP_COMPRESSION=gzip in real workerd (CompressionStream)', () => {
  it('every signal leaves gzipped (content-encoding: gzip) and the sink decodes every record', async () => {
    const mf = await worker({ OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(await (await mf.dispatchFetch('http://worker.test/items?id=zipped')).text()).toBe('ok zipped');
    // Spans, logs and metrics leave in one flush but as three requests: wait for all three before comparing.
    await waitFor(
      () =>
        receiver.logs.filter((l) => String(l.body).startsWith('request zipped')).length === 4 &&
        receiver.spans.length > 0 &&
        receiver.metrics.some((m) => m.name === 'faas.invocations'),
    );
    expect(new Set(receiver.requests.map((r) => `${r.path} ${r.headers['content-encoding']}`))).toEqual(
      new Set(['/v1/traces gzip', '/v1/logs gzip', '/v1/metrics gzip']),
    );
    const span = receiver.spans.find((s) => s.name === 'GET /items')!;
    expect(span.attributes['url.query']).toBe('id=zipped');
    expect(receiver.logs.every((l) => l.spanId === span.spanId)).toBe(true);
  });

  const availability = collectorAvailability();
  it.skipIf(!availability.run)(
    `the real collector takes the gzipped requests ${availability.reason}`,
    async () => {
      const collector = await startCollector();
      let received;
      try {
        const mf = await worker({ OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
        expect(await (await mf.dispatchFetch('http://worker.test/items?id=collector')).text()).toBe('ok collector');
        // The flush runs in waitUntil after the response; the collector's file exporter writes what it took.
        const written = (file: string) => readFileSync(join(collector.dir, file), 'utf8');
        await waitFor(() => {
          try {
            return written('logs.jsonl').includes('request collector nested') && written('traces.jsonl').includes('id=collector');
          } catch {
            return false;
          }
        }, 20_000);
      } finally {
        received = await collector.stop();
      }
      expect(received.spans.map((s) => s.attributes['url.query'])).toEqual(['id=collector']);
      expect(received.logs.map((l) => l.body).sort()).toEqual([
        'request collector background',
        'request collector end',
        'request collector nested',
        'request collector start',
      ]);
    },
    30_000,
  );
});
