import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, BatchSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter } from '../../src/exporters/otlp/otlp-exporter.ts';
import { postWithFetch } from '../../src/exporters/transport/fetch-transport.ts';
import { postWithNodeHttp } from '../../src/exporters/transport/node-http-transport.ts';
import {
  parseRetryAfter,
  resultOfNetworkError,
  resultOfStatus,
  type PostRequest,
  type Transport,
} from '../../src/exporters/transport/transport.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

let receiver: OtlpReceiver;
let spans: ReadableSpan[];

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: memory })] });
  provider.getTracer('t').startSpan('one').end();
  await provider.forceFlush();
  spans = memory.getFinishedSpans();
});
afterEach(() => receiver.close());

let transport: Transport;

function exportOnce(url: string, timeoutMs = 1000): Promise<{ result: ExportResult; ms: number }> {
  const exporter = createOtlpSpanExporter({ url, timeoutMs, headers: { authorization: 'Bearer t' }, transport });
  const started = performance.now();
  return new Promise((resolve) => exporter.export(spans, (result) => resolve({ result, ms: performance.now() - started })));
}

describe.each([
  ['fetch', (request: Parameters<Transport>[0]) => postWithFetch(request)],
  ['node:http', postWithNodeHttp],
] as const)('OTLP/HTTP protobuf span exporter over %s', (_name, chosen) => {
  beforeEach(() => {
    transport = chosen;
  });

  it('delivers a decodable request with the configured headers', async () => {
    const { result } = await exportOnce(`${receiver.url}/v1/traces`);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.spans.map((s) => s.name)).toEqual(['one']);
    expect(receiver.requests[0]!.headers.authorization).toBe('Bearer t');
  });

  it('retries 503 honouring Retry-After, within its timeout', async () => {
    receiver.behave({ status: 503, headers: { 'retry-after': '0' }, times: 2 });
    const { result } = await exportOnce(`${receiver.url}/v1/traces`);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.spans).toHaveLength(1);
  });

  it('does not retry when Retry-After is past its timeout, nor wait for it', async () => {
    receiver.behave({ status: 429, headers: { 'retry-after': '30' } });
    const { result, ms } = await exportOnce(`${receiver.url}/v1/traces`, 10_000);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(receiver.requests).toHaveLength(1);
    // Waiting for the Retry-After (30 s) or for the timeout (10 s) would both miss this by 10x or more.
    expect(ms).toBeLessThan(1000);
  });

  it('never retries a 400, and reports the failure with a cause that names the origin and path, not the query', async () => {
    receiver.behave({ status: 400 });
    const { result } = await exportOnce(`${receiver.url}/v1/traces?api_key=k`);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error?.cause as Error).message).toMatch(/^HTTP 400 Bad Request from http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
    expect(receiver.requests).toHaveLength(1);
  });

  it('gives up at its timeout when the collector never answers', async () => {
    receiver.behave({ latencyMs: 5000 });
    const { result, ms } = await exportOnce(`${receiver.url}/v1/traces`, 300);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error?.cause as Error).message).toMatch(/no answer from .* within \d+ ms/);
    // A timer never fires early, so the lower bound holds on any machine; the upper one has a 10x margin
    // and still tells the timeout from the 5 s the collector would take.
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(3000);
  });

  it('fails fast when the port is closed: one attempt, no retry, long before its timeout', async () => {
    const url = `${receiver.url}/v1/traces`;
    await receiver.close();
    let attempts = 0;
    transport = (request) => (attempts++, chosen(request));
    const { result, ms } = await exportOnce(url, 10_000);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect((result.error?.cause as Error).message).toMatch(/^cannot reach http:\/\/127\.0\.0\.1/);
    expect(attempts).toBe(1);
    expect(ms).toBeLessThan(1000); // 10x below its timeout
    receiver = await startOtlpReceiver();
  });

  it('retries once at once when the connection is reset (a keep-alive socket dropped during the freeze)', async () => {
    receiver.behave({ reset: true, times: 1 });
    // "At once": the retry is made before the event loop turns (no back-off timer). A setImmediate queued
    // when an attempt ends would run before any timer could fire a delayed retry.
    const turnedBefore: boolean[] = [];
    let turned = false;
    transport = async (request) => {
      turnedBefore.push(turned);
      const outcome = await chosen(request);
      turned = false;
      setImmediate(() => (turned = true));
      return outcome;
    };
    const { result } = await exportOnce(`${receiver.url}/v1/traces`);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.spans).toHaveLength(1);
    expect(turnedBefore).toEqual([false, false]);
  });

  it('forceFlush waits for exports in flight', async () => {
    receiver.behave({ latencyMs: 100 });
    const exporter = createOtlpSpanExporter({ url: `${receiver.url}/v1/traces`, timeoutMs: 1000, transport });
    let done = false;
    exporter.export(spans, () => {
      done = true;
    });
    await exporter.forceFlush();
    expect(done).toBe(true);
    expect(receiver.spans).toHaveLength(1);
  });
});

describe('the message of an HTTP error status', () => {
  const request = (url: string): PostRequest => ({ url, body: '', headers: {}, timeoutMs: 1, retryableStatuses: new Set([503]) });

  it('names the origin and the path (a doubled signal path shows), never the user info or the query', () => {
    const result = resultOfStatus(request('https://user:s3cret@host:4318/v1/traces/v1/traces?api_key=k#f'), 404, 'Not Found', null);
    expect(result).toMatchObject({ status: 'failure', statusCode: 404 });
    expect((result as { error: Error }).error.message).toBe('HTTP 404 Not Found from https://host:4318/v1/traces/v1/traces');
    const retryable = resultOfStatus(request('http://u:p@host:4318/otlp/v1/logs?token=t'), 503, 'Service Unavailable', null);
    expect((retryable as { error: Error }).error.message).toBe('HTTP 503 Service Unavailable from http://host:4318/otlp/v1/logs');
  });

  it('a connection error still names only the origin: the path played no part', () => {
    const result = resultOfNetworkError(request('http://u:p@host:4318/v1/traces?token=t'), { code: 'ECONNREFUSED' }, false);
    expect((result as { error: Error }).error.message).toBe('cannot reach http://host:4318');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(5000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('gzip that fails (a runtime compressor that errors)', () => {
  it('sends that request as is, without content-encoding, and the records arrive', async () => {
    const exporter = createOtlpSpanExporter({
      url: `${receiver.url}/v1/traces`,
      timeoutMs: 1000,
      transport: postWithNodeHttp,
      compression: 'gzip',
      gzip: () => Promise.reject(new TypeError('CompressionStream broke')),
    });
    const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.spans.map((s) => s.name)).toEqual(['one']);
    expect(receiver.requests[0]!.headers['content-encoding']).toBeUndefined();
  });

  it('labels a body it did gzip, and only that one', async () => {
    const { gzipSync } = await import('node:zlib');
    const exporter = createOtlpSpanExporter({
      url: `${receiver.url}/v1/traces`,
      timeoutMs: 1000,
      transport: postWithNodeHttp,
      compression: 'gzip',
      gzip: (body) => gzipSync(body),
    });
    const result = await new Promise<ExportResult>((resolve) => exporter.export(spans, resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(receiver.requests[0]!.headers['content-encoding']).toBe('gzip');
    expect(receiver.spans.map((s) => s.name)).toEqual(['one']);
  });
});
