import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOutage } from '../../src/exporters/export-failure.ts';
import { createOtlpLogExporter } from '../../src/exporters/otlp/otlp-exporter.ts';
import { postWithFetch } from '../../src/exporters/transport/fetch-transport.ts';
import { postWithNodeHttp } from '../../src/exporters/transport/node-http-transport.ts';
import type { PostRequest, Transport } from '../../src/exporters/transport/transport.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';

let server: LoopbackServer;
beforeEach(async () => {
  server = await startLoopbackServer();
});
afterEach(() => server.close());

const request = (overrides: Partial<PostRequest> = {}): PostRequest => ({
  url: `${server.url}/v1/logs`,
  body: new Uint8Array([1, 2, 3]),
  headers: {},
  timeoutMs: 10_000,
  retryableStatuses: new Set([503]),
  ...overrides,
});

/** Keeps the event loop busy for `ms` of wall time: a CPU-bound step, or a synchronous logging burst. */
function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end);
}

describe.each([
  ['node:http (Lambda)', postWithNodeHttp],
  ['fetch (edge)', (r: PostRequest) => postWithFetch(r)],
] as const)('the %s transport under hostile conditions', (_name, post: Transport) => {
  it('a request started just before the event loop is kept busy past its timeout still completes: the block is not the exchange', async () => {
    const pending = post(request({ timeoutMs: 200 }));
    busyFor(1000); // 5x the timeout: the timer is long overdue when the loop is free again
    const result = await pending;
    expect(result.status).toBe('success');
    expect(server.requests).toHaveLength(1);
  });

  it('a header value HTTP does not allow settles as a failure that names the header, not its value, and is no outage', async () => {
    // OTEL_EXPORTER_OTLP_HEADERS=x-api-key=caf%E2%82%AC decodes to a character past 0xFF.
    const result = await post(request({ headers: { 'x-api-key': 'caf€' } }));
    expect(result.status).toBe('failure');
    expect(result.status === 'failure' && result.notSent).toBe(true);
    const message = (result as { error: Error }).error.message;
    expect(message).toContain('header "x-api-key" has a value HTTP does not allow');
    expect(message).not.toContain('caf');
    expect(server.requests).toHaveLength(0);
  });

  it('an exporter over it calls back FAILED (no outage) for that header, instead of never settling', async () => {
    const exporter = createOtlpLogExporter({
      url: `${server.url}/v1/logs`,
      timeoutMs: 1000,
      headers: { 'x-api-key': 'caf€' },
      transport: post,
    });
    const result = await new Promise<ExportResult>((resolve) => exporter.export([], resolve));
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(isOutage(result)).toBe(false);
    expect(String((result.error?.cause as Error).message)).toContain('header "x-api-key"');
  });

  it('a 400 whose body never ends is answered by its status at once: a rejection, not a timeout', async () => {
    server.behave({ status: 400, stallBody: true });
    const started = performance.now();
    const result = await post(request({ timeoutMs: 10_000 }));
    expect(result).toMatchObject({ status: 'failure', statusCode: 400 });
    expect((result as { error: Error }).error.message).toMatch(/^HTTP 400 Bad Request from /);
    // Waiting for the body would take the whole 10 s timeout: 10x above this bound.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('a 400 with a 16 MB body is answered by its status before the body has been sent, not after reading it', async () => {
    const huge = await startDrippingServer(400, 16 * 1024 * 1024);
    try {
      const result = await post(request({ url: huge.url }));
      expect(result).toMatchObject({ status: 'failure', statusCode: 400 });
      expect(huge.bodyFinished()).toBe(false);
    } finally {
      huge.close();
    }
  });

  it('a 200 whose body never ends is still a success when the timeout comes (the status was 2xx), without partial_success', async () => {
    server.behave({ stallBody: true });
    const result = await post(request({ timeoutMs: 300 }));
    expect(result).toMatchObject({ status: 'success', statusCode: 200 });
    expect((result as { body?: Uint8Array }).body).toBeUndefined();
  });

  it('a status text with a newline and ANSI escapes is printed escaped and bounded', async () => {
    const raw = await startRawServer(`HTTP/1.1 400 Bad\x1b[31m ${'x'.repeat(300)}\r\ncontent-length: 0\r\n\r\n`);
    try {
      const result = await post(request({ url: raw.url }));
      const message = (result as { error: Error }).error.message;
      expect(message).not.toContain('\x1b');
      expect(message).toContain('\\x1b[31m');
      expect(message.length).toBeLessThan(200);
    } finally {
      raw.close();
    }
  });
});

/** A server that answers every connection with `answer` as raw bytes, whatever it got (a reason phrase HTTP clients accept). */
async function startRawServer(answer: string): Promise<{ url: string; close(): void }> {
  const { createServer } = await import('node:net');
  const server = createServer((socket) => {
    socket.once('data', () => socket.end(answer, 'latin1'));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/v1/logs`, close: () => void server.close() };
}

/** A server that answers `status` with a body of `bytes`, written 64 KiB per event loop turn. */
async function startDrippingServer(status: number, bytes: number): Promise<{ url: string; bodyFinished(): boolean; close(): void }> {
  const { createServer } = await import('node:http');
  let finished = false;
  const server = createServer((incoming, response) => {
    incoming.resume();
    response.writeHead(status, { 'content-length': String(bytes) });
    let sent = 0;
    const drip = () => {
      if (response.destroyed) return;
      const chunk = Math.min(64 * 1024, bytes - sent);
      sent += chunk;
      // Set before the last bytes are written: a client that read the whole body sees it set.
      if (sent >= bytes) finished = true;
      response.write(new Uint8Array(chunk));
      if (sent < bytes) setImmediate(drip);
      else response.end();
    };
    drip();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/v1/logs`,
    bodyFinished: () => finished,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
