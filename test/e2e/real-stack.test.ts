import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import {
  eventually,
  jaegerTrace,
  queryLogs,
  realStackAvailability,
  startJaeger,
  startStackCollector,
  startVictoriaLogs,
  startVictoriaMetrics,
  type LogLine,
  type RunningJaeger,
  type RunningStackCollector,
  type RunningVictoriaLogs,
  type RunningVictoriaMetrics,
} from '../helpers/real-stack.ts';
import { buildExampleFunction } from '../helpers/build-function.ts';

const availability = realStackAvailability();
const ROOT = resolve(import.meta.dirname, '../..');
const readEvent = (name: string) => JSON.parse(readFileSync(join(ROOT, 'functions/orders-api/events', name), 'utf8'));
const { datasources } = parse(readFileSync(join(ROOT, 'local-stack/grafana/provisioning/datasources/datasources.yaml'), 'utf8'));
const lokiDatasource = datasources.find((d: { type: string }) => d.type === 'loki');
const tempoDatasource = datasources.find((d: { type: string }) => d.type === 'tempo');

/** The sample event with a fresh W3C parent, so each invocation is its own trace. */
function withNewTrace(event: { headers: Record<string, string> }): { traceId: string; event: unknown } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, event: { ...event, headers: { ...event.headers, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` } } };
}

describe.skipIf(!availability.run)("function → the real collector (the local stack's pipeline) → the real VictoriaLogs and Jaeger", () => {
  let logStore: RunningVictoriaLogs;
  let jaeger: RunningJaeger;
  let metricsStore: RunningVictoriaMetrics;
  let collector: RunningStackCollector;
  let stdout = '';
  const invocations: { ok?: InvocationResult & { traceId: string }; failed?: InvocationResult & { traceId: string } } = {};

  beforeAll(async () => {
    [logStore, jaeger, metricsStore] = await Promise.all([startVictoriaLogs(), startJaeger(), startVictoriaMetrics()]);
    collector = await startStackCollector({
      logsOtlpEndpoint: logStore.otlpEndpoint,
      tracesOtlpEndpoint: jaeger.otlpEndpoint,
      metricsOtlpEndpoint: metricsStore.otlpEndpoint,
    });
    const artifact = await buildExampleFunction('orders-api');
    const lambda = await RuntimeApiServer.start({
      taskRoot: artifact.dir,
      handler: 'index.handler',
      functionName: 'orders-api',
      timeoutMs: 10_000,
      // Room for a loaded machine: the test looks for the records in the stores, not at the flush's speed.
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '4000',
      },
    });
    try {
      const ok = withNewTrace(readEvent('event.json'));
      invocations.ok = { ...(await lambda.invoke(ok.event)), traceId: ok.traceId };
      const failed = withNewTrace(readEvent('failing-order.json'));
      invocations.failed = { ...(await lambda.invoke(failed.event)), traceId: failed.traceId };
    } finally {
      await lambda.stop();
    }
    stdout = lambda.output
      .filter((o) => o.stream === 'stdout')
      .map((o) => o.text)
      .join('');
  }, 300_000);
  afterAll(async () => {
    await collector?.stop();
    await Promise.all([logStore?.stop(), jaeger?.stop(), metricsStore?.stop()]);
  }, 60_000);

  /** The trace once Jaeger has `count` spans of it (the good invocation has a child span, the failing one not). */
  const trace = (traceId: string, count = 2) =>
    eventually(
      () => jaegerTrace(jaeger.url, traceId),
      (spans) => spans.length >= count,
    );
  const logsOf = (traceId: string, count: number) =>
    eventually(
      () => queryLogs(logStore.url, `{service.name="orders-api"} trace_id:="${traceId}"`),
      (lines: LogLine[]) => lines.length >= count,
    );

  it('ran both invocations under the Runtime API, the failing one as an error', () => {
    expect(invocations.ok?.status).toBe('success');
    expect(invocations.failed?.status).toBe('error');
  });

  it('writes trace_id and span_id on the console line', () => {
    expect(stdout).toMatch(
      new RegExp(`handling GET /orders/\\{id\\} ${invocations.ok!.requestId}.*trace_id=${invocations.ok!.traceId} span_id=[0-9a-f]{16}`),
    );
  });

  it('Jaeger has the trace by id: one SERVER span per HTTP request (no user code for it), its attributes, the child span', async () => {
    const spans = await trace(invocations.ok!.traceId);
    const server = spans.find((s) => s.attributes['faas.invocation_id'] === invocations.ok!.requestId);
    expect(server).toMatchObject({ name: 'GET /orders/{id}', kind: 2, status: { code: 0 } });
    expect(server!.resource['service.name']).toBe('orders-api');
    expect(server!.attributes).toMatchObject({
      'faas.trigger': 'http',
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'http.response.status_code': 200,
      'faas.coldstart': true,
    });
    const child = spans.find((s) => s.name === 'load order');
    expect(child).toMatchObject({ parentSpanId: server!.spanId, attributes: { 'order.id': '42' } });
  }, 90_000);

  it('Jaeger has the failing trace with ERROR status and the exception', async () => {
    const spans = await eventually(
      () => jaegerTrace(jaeger.url, invocations.failed!.traceId),
      (found) => found.length >= 1,
    );
    const server = spans.find((s) => s.attributes['faas.invocation_id'] === invocations.failed!.requestId);
    expect(server!.status.code).toBe(2);
    expect(server!.attributes['http.response.status_code'] ?? 500).toBe(500);
    expect(server!.events.map((e) => e.attributes['exception.message'])).toContain(
      `order lookup failed for ${invocations.failed!.requestId}`,
    );
  }, 90_000);

  it('VictoriaLogs has the logs by service.name through its OTLP endpoint, with trace_id and span_id as fields', async () => {
    const spans = await trace(invocations.ok!.traceId);
    const server = spans.find((s) => s.name === 'GET /orders/{id}')!;
    const lines = await logsOf(invocations.ok!.traceId, 2);
    // Lines of the same millisecond have no order: compared sorted.
    expect(lines.map((l) => l.line).sort()).toEqual([
      `handling GET /orders/{id} ${invocations.ok!.requestId}`,
      JSON.stringify({ event: 'order.loaded', orderId: '42', items: 3 }),
    ]);
    for (const line of lines) {
      // The resource attributes are the stream; the record's ids are fields of each line.
      expect(line.labels['service.name']).toBe('orders-api');
      expect(line.metadata).toMatchObject({ trace_id: invocations.ok!.traceId, span_id: server.spanId });
    }
    // The init log line (before any invocation) is there too, outside any trace.
    const all = await queryLogs(logStore.url, '{service.name="orders-api"}');
    expect(all.map((l) => l.line)).toContain('orders-api initialised { orders: 1 }');
  }, 90_000);

  it("the filter of Grafana's traces-to-logs query, from the provisioning (service name and trace id), finds the span's lines", async () => {
    const spans = await trace(invocations.failed!.traceId, 1);
    const server = spans.find((s) => s.attributes['faas.invocation_id'] === invocations.failed!.requestId)!;
    const template: string = tempoDatasource.jsonData.tracesToLogsV2.query;
    // `$$` is the provisioning's escape of `$`; Grafana fills the span's service name and the trace id.
    const query = template
      .replaceAll('$$', '$')
      .replace('${__span.tags["service.name"]}', String(server.resource['service.name']))
      .replace('${__trace.traceId}', server.traceId);
    expect(query).toBe(`{service_name="orders-api"} | trace_id="${invocations.failed!.traceId}"`);
    // The same selection in LogsQL: Loki's OTLP endpoint names the stream label service_name, VictoriaLogs keeps
    // the attribute's name. (The LogQL itself runs in Grafana against the user's Loki, never here.)
    const lines = await eventually(
      () => queryLogs(logStore.url, `{service.name="orders-api"} trace_id:="${invocations.failed!.traceId}"`),
      (found) => found.length >= 2,
    );
    expect(lines.map((l) => l.line).sort()).toEqual([
      `handling GET /orders/{id} ${invocations.failed!.requestId}`,
      "refusing the request { reason: 'fail flag' }",
    ]);
  }, 90_000);

  it("the derived fields on trace_id open a trace Jaeger has: from the structured metadata, and from a stdout line's text", async () => {
    const [byLabel, byRegex] = lokiDatasource.jsonData.derivedFields as { matcherType: string; matcherRegex: string }[];
    expect(byLabel).toMatchObject({ matcherType: 'label', matcherRegex: 'trace_id' });
    const otlpLines = await logsOf(invocations.ok!.traceId, 2);
    const fromLabel = new Set(otlpLines.map((l) => l.metadata[byLabel!.matcherRegex] ?? l.labels[byLabel!.matcherRegex]));
    expect([...fromLabel]).toEqual([invocations.ok!.traceId]);

    // Lambda's own log capture ships the stdout lines (CloudWatch → a log store's Loki push API): the regex
    // finds the id in their text (a JSON line carries it as a "trace_id" key instead, which Loki's JSON parser
    // makes a label).
    const shipped = stdout.split('\n').filter((line) => line.includes(`trace_id=${invocations.ok!.traceId}`));
    expect(shipped.length).toBeGreaterThanOrEqual(1);
    const now = BigInt(Date.now()) * 1_000_000n;
    const push = await fetch(`${logStore.lokiUrl}/loki/api/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        streams: [{ stream: { job: 'lambda-stdout' }, values: shipped.map((line, i) => [String(now + BigInt(i)), line]) }],
      }),
    });
    expect(push.status).toBe(204);
    const stdoutLines = await eventually(
      () => queryLogs(logStore.url, `{job="lambda-stdout"} _msg:~"trace_id=${invocations.ok!.traceId}"`),
      (found) => found.length === shipped.length,
    );
    const regex = new RegExp(byRegex!.matcherRegex);
    const fromRegex = new Set(stdoutLines.map((l) => regex.exec(l.line)?.[1]));
    expect([...fromRegex]).toEqual([invocations.ok!.traceId]);
    expect((await jaegerTrace(jaeger.url, invocations.ok!.traceId)).length).toBeGreaterThanOrEqual(2);
  }, 90_000);
});
