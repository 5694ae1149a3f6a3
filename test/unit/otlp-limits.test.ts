import { ExportResultCode } from '@opentelemetry/core';
import { BatchSpanProcessor, InMemorySpanExporter, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter, type OtlpExportResult } from '../../src/exporters/otlp/otlp-exporter.ts';
import { partialSuccessOf } from '../../src/exporters/otlp/partial-success.ts';
import { DeliveryReport } from '../../src/exporters/delivery-report.ts';
import { FailoverSpanExporter } from '../../src/exporters/failover.ts';
import { CircuitBreaker } from '../../src/exporters/transport/circuit-breaker.ts';
import { postWithNodeHttp } from '../../src/exporters/transport/node-http-transport.ts';
import { postWithFetch } from '../../src/exporters/transport/fetch-transport.ts';
import type { PostRequest, Transport } from '../../src/exporters/transport/transport.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { decodeSpans, encodePartialSuccess } from '../../tools/otlp-decode.ts';

async function spans(count: number, attributeBytes = 0): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: memory })] });
  const tracer = provider.getTracer('limits');
  for (let i = 0; i < count; i++) tracer.startSpan(`span ${i}`, { attributes: { blob: 'x'.repeat(attributeBytes) } }).end();
  await provider.forceFlush();
  return memory.getFinishedSpans();
}

function recordingTransport(answer: Partial<Extract<Awaited<ReturnType<Transport>>, { status: 'success' }>> = {}) {
  const requests: PostRequest[] = [];
  const post: Transport = async (request) => {
    requests.push(request);
    return { status: 'success', statusCode: 200, ...answer };
  };
  return { requests, post };
}

const exportAll = (exporter: ReturnType<typeof createOtlpSpanExporter>, items: ReadableSpan[]) =>
  new Promise<OtlpExportResult>((resolve) => exporter.export(items, resolve));

describe("splitting a batch to an endpoint's limits", () => {
  it('sends at most maxItemsPerRequest records per request, every record once', async () => {
    const { requests, post } = recordingTransport();
    const exporter = createOtlpSpanExporter({ url: 'http://x/v1/traces', timeoutMs: 1000, transport: post, maxItemsPerRequest: 4 });
    const result = await exportAll(exporter, await spans(10));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const sent = requests.map((r) => decodeSpans(r.body as Uint8Array).map((s) => s.name));
    expect(sent.map((names) => names.length)).toEqual([4, 4, 2]);
    expect(sent.flat().sort()).toEqual((await spans(10)).map((s) => s.name).sort());
  });

  it('halves a request over maxRequestBytes until each fits; one record alone over it still goes (the endpoint decides)', async () => {
    const { requests, post } = recordingTransport();
    const exporter = createOtlpSpanExporter({ url: 'http://x/v1/traces', timeoutMs: 1000, transport: post, maxRequestBytes: 10_000 });
    await exportAll(exporter, await spans(8, 3000));
    expect(requests.length).toBeGreaterThanOrEqual(3);
    for (const request of requests) expect((request.body as Uint8Array).byteLength).toBeLessThanOrEqual(10_000);
    expect(requests.flatMap((r) => decodeSpans(r.body as Uint8Array))).toHaveLength(8);

    const single = recordingTransport();
    await exportAll(
      createOtlpSpanExporter({ url: 'http://x/v1/traces', timeoutMs: 1000, transport: single.post, maxRequestBytes: 100 }),
      await spans(1, 500),
    );
    expect(single.requests).toHaveLength(1);
  });

  it('without limits a batch is one request', async () => {
    const { requests, post } = recordingTransport();
    await exportAll(createOtlpSpanExporter({ url: 'http://x/v1/traces', timeoutMs: 1000, transport: post }), await spans(50, 3000));
    expect(requests).toHaveLength(1);
  });
});

describe('a split batch that fails in part', () => {
  it('reports only the failed requests as undelivered, and the failover sends only those on (no duplicates)', async () => {
    let calls = 0;
    const post: Transport = async (request) => {
      calls += 1;
      // The second request fails for good; the others are delivered.
      if (calls === 2) return { status: 'failure', error: new Error('HTTP 400'), statusCode: 400 };
      return { status: 'success', statusCode: 200, body: request.body as Uint8Array, contentType: 'x' };
    };
    const exporter = createOtlpSpanExporter({ url: 'http://x/v1/traces', timeoutMs: 1000, transport: post, maxItemsPerRequest: 3 });
    const all = await spans(8);
    const direct = await exportAll(exporter, all);
    expect(direct.code).toBe(ExportResultCode.FAILED);
    expect((direct.undelivered as ReadableSpan[]).map((s) => s.name)).toEqual(['span 3', 'span 4', 'span 5']);

    calls = 0;
    const lines: string[] = [];
    const report = new DeliveryReport();
    const failover = new FailoverSpanExporter({
      primary: { exporter, breaker: new CircuitBreaker() },
      lastResort: (line) => lines.push(line),
      report,
    });
    const result = await new Promise<OtlpExportResult>((resolve) => failover.export(all, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(lines.map((line) => JSON.parse(line).name)).toEqual(['span 3', 'span 4', 'span 5']);
    expect(report.take()?.spans.stdout).toBe(3);
  });
});

describe('OTLP partial_success', () => {
  it('reads the official protobuf answer (traces and logs) and the JSON one; an empty or unreadable answer is a plain success', () => {
    expect(partialSuccessOf(encodePartialSuccess('traces', 3, 'too old'), 'application/x-protobuf')).toEqual({
      rejected: 3,
      errorMessage: 'too old',
    });
    expect(partialSuccessOf(encodePartialSuccess('logs', 2, ''), 'application/x-protobuf')).toEqual({ rejected: 2, errorMessage: '' });
    const json = new TextEncoder().encode('{"partialSuccess":{"rejectedLogRecords":"5","errorMessage":"tooOldLogEventCount: 5"}}');
    expect(partialSuccessOf(json, 'application/json')).toEqual({ rejected: 5, errorMessage: 'tooOldLogEventCount: 5' });
    expect(partialSuccessOf(encodePartialSuccess('traces', 0, ''), 'application/x-protobuf')).toBeUndefined();
    expect(partialSuccessOf(new Uint8Array(0), 'application/x-protobuf')).toBeUndefined();
    expect(partialSuccessOf(new Uint8Array([0x0a, 0x05, 0x08]), 'application/x-protobuf')).toBeUndefined();
    expect(partialSuccessOf(new TextEncoder().encode('{}'), 'application/json')).toBeUndefined();
  });

  let server: LoopbackServer | undefined;
  afterEach(async () => server?.close());

  it.each([
    ['node:http', postWithNodeHttp],
    ['fetch', (request: PostRequest) => postWithFetch(request)],
  ] as const)(
    'the %s transport hands the answer to the exporter, which sums what every split request rejected',
    async (_name, transport) => {
      server = await startLoopbackServer({
        handle: () => ({
          status: 200,
          headers: { 'content-type': 'application/x-protobuf' },
          body: encodePartialSuccess('traces', 1, 'span too large'),
        }),
      });
      const exporter = createOtlpSpanExporter({ url: `${server.url}/v1/traces`, timeoutMs: 2000, transport, maxItemsPerRequest: 2 });
      const result = await exportAll(exporter, await spans(5));
      expect(result.code).toBe(ExportResultCode.SUCCESS);
      expect(result.partialSuccess).toEqual({ rejected: 3, errorMessage: 'span too large' });
    },
  );
});
