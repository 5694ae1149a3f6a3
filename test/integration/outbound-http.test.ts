import { get } from 'node:http';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint, startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { presignedUrl, signedHeaders, verifySignature } from '../helpers/sigv4.ts';

let server: LoopbackServer;
let observability: TestObservability;
beforeAll(async () => {
  server = await startLoopbackServer({
    handle: async ({ method, path, headers }) => {
      if (path.startsWith('/fail')) return { status: 503 };
      if (path.startsWith('/signed')) return { status: (await verifySignature(method, path, headers)) ? 200 : 403 };
      return { status: 200, body: 'ok' };
    },
  });
});
afterAll(() => server.close());
afterEach(async () => {
  await observability?.dispose();
  server.requests.length = 0;
});

/** node:http GET, the body read. */
function httpGet(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    }).on('error', reject);
  });
}

/** Runs `fn` in one invocation and returns the invocation span and the CLIENT spans. */
async function invoke(fn: () => Promise<unknown>): Promise<{ server: ReadableSpan; clients: ReadableSpan[] }> {
  await observability.wrap(async (_event: unknown, _context: unknown) => fn())({}, lambdaContext());
  const spans = observability.spans();
  return { server: spans.find((s) => s.attributes['faas.invocation_id'])!, clients: spans.filter((s) => s.kind === SpanKind.CLIENT) };
}

const traceparentOf = (span: ReadableSpan) => `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;
const received = (path: string) => server.requests.find((r) => r.path.startsWith(path))!;

describe('outbound HTTP from a wrapped Lambda handler', () => {
  it.each([
    ['fetch', (url: string) => fetch(url).then((r) => r.text())],
    ['node:http', (url: string) => httpGet(url)],
  ])('%s: a CLIENT span, child of the invocation span, whose context the callee receives', async (_name, call) => {
    observability = testObservability();
    const { server: parent, clients } = await invoke(() => call(`${server.url}/orders/7?page=2`));
    expect(clients).toHaveLength(1);
    const client = clients[0]!;
    expect(client.name).toBe('GET');
    expect(client.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    expect(client.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(client.attributes).toEqual({
      'http.request.method': 'GET',
      'url.full': `${server.url}/orders/7?page=2`,
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'http.response.status_code': 200,
    });
    expect(received('/orders/7').headers.traceparent).toBe(traceparentOf(client));
  });

  it.each([
    ['fetch', (url: string) => fetch(url).then((r) => r.text())],
    ['node:http', (url: string) => httpGet(url)],
  ])('%s: a 5xx answer makes the span an error with error.type the status', async (_name, call) => {
    observability = testObservability();
    const { clients } = await invoke(() => call(`${server.url}/fail`));
    expect(clients[0]!.status.code).toBe(SpanStatusCode.ERROR);
    expect(clients[0]!.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
  });

  it('a refused connection ends the span with the error code as error.type', async () => {
    observability = testObservability();
    const closed = await closedEndpoint();
    const { clients } = await invoke(() => httpGet(`${closed}/x`).catch(() => 'refused'));
    expect(clients[0]!.attributes['error.type']).toBe('ECONNREFUSED');
    expect(clients[0]!.events.map((e) => e.name)).toEqual(['exception']);
  });

  it('url.full carries no credentials: node:http moves user:password to a header, signature values are REDACTED', async () => {
    observability = testObservability();
    const url = new URL(`${server.url}/files?X-Amz-Signature=abc&sig=def&keep=1`);
    url.username = 'user';
    url.password = 'secret';
    const { clients } = await invoke(() => httpGet(url.href));
    expect(clients[0]!.attributes['url.full']).toBe(`${server.url}/files?X-Amz-Signature=REDACTED&sig=REDACTED&keep=1`);
  });

  it('requests made outside an invocation get no span and no headers', async () => {
    observability = testObservability();
    await fetch(`${server.url}/outside`).then((r) => r.text());
    await httpGet(`${server.url}/outside-http`);
    expect(observability.spans()).toEqual([]);
    expect(server.requests.every((r) => r.headers.traceparent === undefined)).toBe(true);
  });

  it('overlapping invocations (Managed Instances): each request is the child of its own invocation', async () => {
    observability = testObservability();
    const handler = observability.wrap(async (event: { id: string }, _context: unknown) => {
      await new Promise((resolve) => setTimeout(resolve, event.id === 'a' ? 20 : 0));
      await fetch(`${server.url}/overlap/${event.id}`).then((r) => r.text());
      await httpGet(`${server.url}/overlap-http/${event.id}`);
    });
    await Promise.all([handler({ id: 'a' }, lambdaContext()), handler({ id: 'b' }, lambdaContext())]);
    const spans = observability.spans();
    const invocations = spans.filter((s) => s.attributes['faas.invocation_id']);
    expect(invocations).toHaveLength(2);
    for (const id of ['a', 'b']) {
      const clients = spans.filter((s) => s.kind === SpanKind.CLIENT && String(s.attributes['url.full']).endsWith(`/${id}`));
      expect(clients).toHaveLength(2);
      const parents = new Set(clients.map((c) => c.parentSpanContext?.spanId));
      expect(parents.size).toBe(1);
      const parent = invocations.find((i) => i.spanContext().spanId === [...parents][0])!;
      expect(parent).toBeDefined();
      for (const path of [`/overlap/${id}`, `/overlap-http/${id}`]) {
        expect(received(path).headers.traceparent).toContain(parent.spanContext().traceId);
      }
    }
    expect(new Set(invocations.map((i) => i.spanContext().traceId)).size).toBe(2);
  });

  it('outbound: false makes no CLIENT span and injects nothing', async () => {
    observability = testObservability({ outbound: false });
    const { clients } = await invoke(() => fetch(`${server.url}/off`).then((r) => r.text()));
    expect(clients).toEqual([]);
    expect(received('/off').headers.traceparent).toBeUndefined();
  });
});

describe('the propagation policy', () => {
  it('dontPropagateUrls: the span is made, the headers are not sent', async () => {
    observability = testObservability({ dontPropagateUrls: [`${server.url}/private`] });
    const { clients } = await invoke(async () => {
      await fetch(`${server.url}/private/a`).then((r) => r.text());
      await fetch(`${server.url}/public/a`).then((r) => r.text());
    });
    expect(clients).toHaveLength(2);
    expect(received('/private').headers.traceparent).toBeUndefined();
    expect(received('/public').headers.traceparent).toMatch(/^00-/);
  });

  it('FAAS_OBSERVABILITY_PROPAGATE_URLS: only the listed destinations get the headers', async () => {
    observability = testObservability({}, { FAAS_OBSERVABILITY_PROPAGATE_URLS: 'internal.example.com, localhost' });
    await invoke(() => httpGet(`${server.url}/by-ip`));
    expect(received('/by-ip').headers.traceparent).toBeUndefined();
    await observability.dispose();
    observability = testObservability({}, { FAAS_OBSERVABILITY_PROPAGATE_URLS: '127.0.0.1' });
    await invoke(() => httpGet(`${server.url}/listed`));
    expect(received('/listed').headers.traceparent).toMatch(/^00-/);
  });

  it('a traceparent the caller set is left as it is', async () => {
    observability = testObservability();
    const own = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await invoke(() => fetch(`${server.url}/own`, { headers: { traceparent: own } }).then((r) => r.text()));
    expect(received('/own').headers.traceparent).toBe(own);
  });

  it.each([
    ['fetch', (url: string, headers: Record<string, string>) => fetch(url, { headers }).then((r) => r.status)],
    ['node:http', (url: string, headers: Record<string, string>) => httpGet(url, headers)],
  ])('%s: a SigV4-signed request arrives as signed and still verifies', async (_name, call) => {
    observability = testObservability();
    const url = new URL(`${server.url}/signed/object?x=1`);
    // The SDK signs every header it sends: here a baggage header is part of what was signed.
    const headers = await signedHeaders(url, 'GET', { baggage: 'tenant=acme', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' });
    const { clients } = await invoke(() => call(url.href, headers));
    expect(clients[0]!.attributes['http.response.status_code']).toBe(200);
    const arrived = received('/signed').headers;
    expect(arrived.traceparent).toBeUndefined();
    expect(arrived.baggage).toBe('tenant=acme');
  });

  it('a presigned URL is fetched without added headers, verifies, and its signature is REDACTED in url.full', async () => {
    observability = testObservability();
    const url = await presignedUrl(new URL(`${server.url}/signed/report.csv`));
    const { clients } = await invoke(() => fetch(url).then((r) => r.status));
    expect(clients[0]!.attributes['http.response.status_code']).toBe(200);
    expect(received('/signed').headers.traceparent).toBeUndefined();
    expect(String(clients[0]!.attributes['url.full'])).toContain('X-Amz-Signature=REDACTED');
    expect(String(clients[0]!.attributes['url.full'])).toContain('X-Amz-Credential=REDACTED');
  });
});

describe("the library's own requests", () => {
  it('export requests are never traced: no CLIENT span for them and no traceparent on them', async () => {
    const receiver = await startOtlpReceiver();
    observability = testObservability({ spanExporter: undefined, logExporter: undefined, endpoint: receiver.url });
    try {
      const tracer = trace.getTracer('test');
      await observability.wrap(async (_event: unknown, _context: unknown) => {
        tracer.startSpan('work').end();
        await fetch(`${server.url}/one`).then((r) => r.text());
        // An export from inside the invocation's context (a long invocation's timer does the same).
        await observability.telemetry!.flush(5000);
        // What the exporters do around every request: it is not traced either.
        await context.with(suppressTracing(context.active()), () => fetch(`${server.url}/suppressed`).then((r) => r.text()));
      })({}, lambdaContext());
      const exports = receiver.requests.filter((r) => r.path.startsWith('/v1/'));
      expect(exports.length).toBeGreaterThan(0);
      expect(exports.every((r) => r.headers.traceparent === undefined)).toBe(true);
      expect(observability.telemetry!.takeDeliveryReport()).toBeUndefined();
      expect(server.requests.filter((r) => r.path === '/one')).toHaveLength(1);
      expect(received('/suppressed').headers.traceparent).toBeUndefined();
      // Kind 3: CLIENT in OTLP.
      const clients = receiver.spans.filter((s) => s.kind === 3);
      expect(clients.map((s) => s.attributes['url.full'])).toEqual([`${server.url}/one`]);
    } finally {
      await receiver.close();
    }
  });
});
