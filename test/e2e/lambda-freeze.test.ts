import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector, type RunningCollector } from '../helpers/collector.ts';
import type { ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';
import { buildFixtureFunction, buildExampleFunction } from '../helpers/build-function.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

const availability = collectorAvailability();
const event = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../functions/orders-api/events/${name}.json`, import.meta.url), 'utf8'));

describe.skipIf(!availability.run).each(RUNTIMES)(
  `orders-api under %s, frozen at every /next, against the real collector ${availability.reason}`,
  (_name, runtime) => {
    let collector: RunningCollector;
    let lambda: RuntimeApiServer;
    const results: InvocationResult[] = [];
    let received: { spans: ReceivedSpan[]; logs: ReceivedLog[] };

    beforeAll(async () => {
      collector = await startCollector();
      // The deploy artifact itself, as build.mjs makes it.
      const artifact = await buildExampleFunction('orders-api');
      const built = { taskRoot: artifact.dir, handler: 'index.handler' };
      lambda = await RuntimeApiServer.start({
        ...built,
        functionName: 'orders-api',
        // Long enough that the flush of a timed-out invocation (a tenth of it before the deadline) and of the
        // others (the 4 s budget) is not cut short on a loaded machine: the test counts the collector alone.
        timeoutMs: 5000,
        memoryMb: 256,
        runtime,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=e2e',
          FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '4000',
          OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
        },
      });
      // 210 invocations: successes, errors every 10th, and 4 timeouts that each cost a new process.
      const get = event('event');
      const failing = event('failing-order');
      const slow = event('slow-order');
      for (let i = 0; i < 210; i++) {
        const chosen = i % 50 === 49 ? slow : i % 10 === 5 ? failing : get;
        results.push(await lambda.invoke(chosen));
      }
      await lambda.stop(); // SIGKILL: whatever was not exported is gone now
      received = await collector.stop();
    }, 120_000);

    afterAll(async () => {
      await lambda?.stop();
    });

    it('ran 210 invocations, with errors, timeouts and several cold starts, each process frozen after every response', () => {
      const count = (status: string) => results.filter((r) => r.status === status).length;
      expect(count('success')).toBe(185);
      expect(count('error')).toBe(21);
      expect(count('timeout')).toBe(4);
      expect(lambda.processNumber).toBe(5);
      expect(lambda.freezes).toBeGreaterThanOrEqual(210);
    });

    it('every invocation span arrived (100%), exactly once', () => {
      const invocationSpans = received.spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined);
      const ids = invocationSpans.map((s) => s.attributes['faas.invocation_id']);
      expect(new Set(ids).size).toBe(ids.length);
      expect(new Set(ids)).toEqual(new Set(results.map((r) => r.requestId)));
    });

    it("every log arrived and every in-span log carries its span's trace id and span id", () => {
      const byRequest = new Map(
        received.spans.filter((s) => s.attributes['faas.invocation_id']).map((s) => [s.attributes['faas.invocation_id'], s]),
      );
      const handling = received.logs.filter((l) => String(l.body).startsWith('handling '));
      expect(handling).toHaveLength(210);
      for (const log of handling) {
        const requestId = String(log.body).split(' ').at(-1);
        const span = byRequest.get(requestId)!;
        expect(log.traceId).toBe(span.traceId);
        expect(log.spanId).toBe(span.spanId);
      }
      // aws-lambda-ric logs "Invoke Error" through the console after the handler settled (after the flush): those
      // runtime lines travel with the next invocation's flush, and the last one is frozen; they are not counted.
      const functionLogs = received.logs.filter((l) => !String(l.body).startsWith('Invoke Error'));
      // Success: handling + order.loaded; error: handling + refusing; timeout: handling. Plus one init log per process.
      expect(functionLogs).toHaveLength(185 * 2 + 21 * 2 + 4 + 5);
      const inSpan = received.logs.filter((l) => l.spanId !== '');
      const spanIds = new Set(received.spans.map((s) => s.spanId));
      expect(inSpan.every((l) => spanIds.has(l.spanId))).toBe(true);
      expect(received.logs.filter((l) => l.body === 'orders-api initialised { orders: 1 }')).toHaveLength(5);
    });

    it('resource and FaaS attributes are right', () => {
      for (const span of received.spans) {
        expect(span.resource).toMatchObject({
          'service.name': 'orders-api',
          'faas.name': 'orders-api',
          'cloud.provider': 'aws',
          'cloud.platform': 'aws_lambda',
          'cloud.region': 'eu-west-1',
          'faas.max_memory': 256 * 1024 * 1024,
          'deployment.environment.name': 'e2e',
        });
      }
      const server = received.spans.find((s) => s.name === 'GET /orders/{id}')!;
      expect(server.attributes).toMatchObject({ 'faas.trigger': 'http', 'http.route': '/orders/{id}', 'cloud.account.id': '123456789012' });
      const child = received.spans.find((s) => s.name === 'load order' && s.traceId === server.traceId)!;
      expect(child.parentSpanId).toBe(server.spanId);
    });

    it('errors and timeouts are on their spans', () => {
      const status = new Map(received.spans.map((s) => [s.attributes['faas.invocation_id'], s]));
      for (const result of results) {
        const span = status.get(result.requestId)!;
        if (result.status === 'success') expect(span.status.code).toBe(0);
        if (result.status === 'error') expect(span.events.map((e) => e.name)).toContain('exception');
        if (result.status === 'timeout') {
          expect(span.status).toMatchObject({ code: 2, message: expect.stringMatching(/timed out/) });
          expect(span.attributes['error.type']).toBe('timeout');
        }
      }
    });

    it('cold start is true exactly once per process', () => {
      const byInstance = new Map<unknown, ReceivedSpan[]>();
      for (const span of received.spans.filter((s) => s.attributes['faas.coldstart'] !== undefined)) {
        byInstance.set(span.resource['faas.instance'], [...(byInstance.get(span.resource['faas.instance']) ?? []), span]);
      }
      expect(byInstance.size).toBe(5);
      for (const spans of byInstance.values()) expect(spans.filter((s) => s.attributes['faas.coldstart'] === true)).toHaveLength(1);
    });
  },
);

describe.skipIf(!availability.run)('the harness sees loss', () => {
  it('a fire-and-forget export without flush loses what the freeze caught', async () => {
    const collector = await startCollector();
    const artifact = await buildFixtureFunction('fire-and-forget');
    const built = { taskRoot: artifact.dir, handler: 'index.handler' };
    const lambda = await RuntimeApiServer.start({
      ...built,
      functionName: 'fire-and-forget',
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint },
    });
    const results: InvocationResult[] = [];
    for (let i = 0; i < 20; i++) results.push(await lambda.invoke({ i }));
    await lambda.stop();
    const { spans } = await collector.stop();
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(spans.length).toBeLessThan(20);
    const lastId = results.at(-1)!.requestId;
    expect(spans.some((s) => s.attributes['faas.invocation_id'] === lastId)).toBe(false);
  }, 60_000);
});
