import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildArtifact } from '../../tools/build-artifacts.ts';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import type { ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';
import { startAwsEndpoint, sqsEventFrom, type AwsEndpoint } from '../helpers/aws-endpoints.ts';
import { collectorAvailability, startCollector, type RunningCollector } from '../helpers/collector.ts';
import { loadEvent } from '../helpers/fixtures.ts';
import { httpApiEvent } from '../helpers/function-url.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

const availability = collectorAvailability();
const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'token',
};

async function start(name: string, entry: string, env: Record<string, string>, runtime?: string[]): Promise<RuntimeApiServer> {
  const artifact = await buildArtifact({ name, kind: 'lambda', entry }, mkdtempSync(join(tmpdir(), `${name}-`)));
  return RuntimeApiServer.start({ taskRoot: artifact.dir, handler: 'index.handler', functionName: name, timeoutMs: 10_000, runtime, env });
}

describe.skipIf(!availability.run).each(RUNTIMES)(
  `function A (HTTP API) calls function B through its Function URL and sends an SQS message that function C consumes, each frozen at every /next under %s, real collector ${availability.reason}`,
  (_name, runtime) => {
    let collector: RunningCollector;
    let callee: RuntimeApiServer;
    let caller: RuntimeApiServer;
    let consumer: RuntimeApiServer;
    let functionUrl: LoopbackServer;
    let sqs: AwsEndpoint;
    const results: InvocationResult[] = [];
    let consumed: InvocationResult;
    let received: { spans: ReceivedSpan[]; logs: ReceivedLog[] };

    beforeAll(async () => {
      collector = await startCollector();
      const env = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint };
      callee = await start('callee', 'test/e2e/fixtures/journey/callee.ts', env, runtime);
      // B's Function URL: each HTTP request becomes one invocation of B, its answer the HTTP response.
      functionUrl = await startLoopbackServer({
        handle: async (request) => {
          const result = await callee.invoke(httpApiEvent(request));
          const answer = JSON.parse(result.payload) as { statusCode: number; body: string };
          return { status: answer.statusCode, body: answer.body };
        },
      });
      sqs = await startAwsEndpoint('sqs');
      const callerEnv = { ...env, ...AWS_ENV, CALLEE_URL: functionUrl.url, SQS_ENDPOINT: sqs.url };
      caller = await start('caller', 'test/e2e/fixtures/journey/caller.ts', callerEnv, runtime);
      consumer = await start('consumer', 'test/e2e/fixtures/journey/consumer.ts', env, runtime);
      // A is called twice: a cold start and a warm invocation, each its own trace.
      const base = loadEvent('api-gateway-v2') as Record<string, unknown>;
      const { traceparent: _t, tracestate: _s, baggage: _b, ...headers } = base.headers as Record<string, string>;
      for (const path of ['/checkout/1', '/checkout/2']) results.push(await caller.invoke({ ...base, rawPath: path, headers }));
      // C gets the batch SQS would deliver: the messages as the SQS endpoint received them.
      consumed = await consumer.invoke(sqsEventFrom(sqs.messages));
      await Promise.all([caller.stop(), callee.stop(), consumer.stop()]);
      received = await collector.stop();
    }, 120_000);

    afterAll(async () => {
      await Promise.all([caller?.stop(), callee?.stop(), consumer?.stop(), functionUrl?.close(), sqs?.close()]);
    });

    it('both invocations of A succeeded with what B answered, and every process was frozen after each response', () => {
      expect(results.map((r) => r.status)).toEqual(['success', 'success']);
      expect(JSON.parse(JSON.parse(results[0]!.payload).body)).toEqual({ order: { path: '/orders/7' }, stock: { path: '/stock/7' } });
      expect(caller.freezes).toBeGreaterThanOrEqual(2);
      expect(consumer.freezes).toBeGreaterThanOrEqual(1);
      expect(callee.freezes).toBeGreaterThanOrEqual(4);
    });

    it("one trace per call of A: A's SERVER span → two CLIENT spans (fetch, node:http) → B's SERVER spans, and B's logs in it", () => {
      const callerSpans = received.spans.filter((s) => s.resource['service.name'] === 'caller' && s.kind === SERVER);
      expect(callerSpans).toHaveLength(2);
      for (const a of callerSpans) {
        const trace = received.spans.filter((s) => s.traceId === a.traceId);
        const clients = trace.filter((s) => s.kind === CLIENT && String(s.attributes['url.full']).startsWith(functionUrl.url));
        expect(clients.map((c) => c.attributes['url.full']).sort()).toEqual([`${functionUrl.url}/orders/7`, `${functionUrl.url}/stock/7`]);
        for (const client of clients) {
          expect(client.parentSpanId).toBe(a.spanId);
          expect(client.resource['service.name']).toBe('caller');
          expect(client.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200 });
          const b = trace.filter((s) => s.parentSpanId === client.spanId);
          expect(b).toHaveLength(1);
          expect(b[0]).toMatchObject({ kind: SERVER, resource: { 'service.name': 'callee' } });
          const path = new URL(String(client.attributes['url.full'])).pathname;
          const log = received.logs.find((l) => l.body === `callee handling ${path}` && l.spanId === b[0]!.spanId)!;
          expect(log.traceId).toBe(a.traceId);
        }
        expect(received.logs.filter((l) => l.traceId === a.traceId && String(l.body).startsWith('caller '))).toHaveLength(2);
      }
    });

    it("A → SQS → C: C's batch span links to A's SQS/SendMessage span, each message's span is its child, and C's logs are in A's trace", () => {
      expect(consumed.status).toBe('success');
      expect(JSON.parse(consumed.payload)).toEqual({ batchItemFailures: [] });
      const sends = received.spans.filter((s) => s.name === 'SQS/SendMessage');
      expect(sends).toHaveLength(2);
      const batch = received.spans.find((s) => s.resource['service.name'] === 'consumer' && s.attributes['faas.invocation_id'])!;
      expect(batch).toMatchObject({ kind: CONSUMER, name: 'process orders' });
      expect(batch.links.map((l) => l.spanId).sort()).toEqual(sends.map((s) => s.spanId).sort());
      for (const send of sends) {
        const a = received.spans.find((s) => s.spanId === send.parentSpanId)!;
        expect(a).toMatchObject({ kind: SERVER, traceId: send.traceId, resource: { 'service.name': 'caller' } });
        expect(send).toMatchObject({
          kind: PRODUCER,
          attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'SQS', 'rpc.method': 'SendMessage' },
        });
        const record = received.spans.find((s) => s.parentSpanId === send.spanId && s.resource['service.name'] === 'consumer')!;
        expect(record).toMatchObject({ kind: CONSUMER, traceId: a.traceId, resource: { 'service.name': 'consumer' } });
        expect(record.links.map((l) => l.spanId)).toEqual([batch.spanId]);
        const log = received.logs.find((l) => l.spanId === record.spanId)!;
        expect(log.body).toBe(`consumer handling order from ${String(a.attributes['url.path'])}`);
        expect(log.traceId).toBe(a.traceId);
      }
    });

    it("the runtime's own requests (the Runtime API) and the exports made no CLIENT spans; the SDK's request is signed and left alone", () => {
      const clients = received.spans.filter((s) => s.kind === CLIENT);
      const to = (url: string) => clients.filter((c) => String(c.attributes['url.full']).startsWith(url));
      expect(to(functionUrl.url)).toHaveLength(4);
      expect(to(sqs.url)).toHaveLength(2);
      expect(clients).toHaveLength(6);
      expect(sqs.requests.every((r) => r.headers.traceparent === undefined && /^AWS4-/.test(String(r.headers.authorization)))).toBe(true);
    });
  },
);
