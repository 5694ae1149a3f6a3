import { readdirSync, readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';
import { buildExampleFunction } from '../helpers/build-function.ts';

const availability = collectorAvailability();
const events = (name: string) =>
  readdirSync(join('functions', name, 'events'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join('functions', name, 'events', f), 'utf8')));

/** Runs a built example 20 times per sample event under the freeze, against the real collector. */
async function runExample(name: string) {
  const collector = await startCollector();
  const artifact = await buildExampleFunction(name);
  const lambda = await RuntimeApiServer.start({
    taskRoot: artifact.dir,
    handler: 'index.handler',
    functionName: name,
    timeoutMs: 30_000,
    // A flush bound far above what the examples need, so a loaded machine cannot turn delivery into the
    // stdout fallback (what the flush costs is measured in bench/).
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
      FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '10000',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
    },
  });
  const results: InvocationResult[] = [];
  for (const event of events(name)) for (let i = 0; i < 20; i++) results.push(await lambda.invoke(event));
  await lambda.stop();
  const received = await collector.stop();
  const invocationSpans = received.spans.filter((s) => s.attributes['faas.invocation_id']);
  // Every invocation's span arrived, and every log written in a span belongs to one that arrived.
  expect(new Set(invocationSpans.map((s) => s.attributes['faas.invocation_id']))).toEqual(new Set(results.map((r) => r.requestId)));
  const spanIds = new Set(received.spans.map((s) => s.spanId));
  expect(received.logs.filter((l) => l.spanId !== '').every((l) => spanIds.has(l.spanId))).toBe(true);
  return { results, spans: invocationSpans, allSpans: received.spans, logs: received.logs, lambda };
}

describe.skipIf(!availability.run)('the example functions, built, frozen at every /next, against the real collector', () => {
  it('sqs-consumer: partial batch failures, one CONSUMER span per batch with its links', async () => {
    const { results, spans, logs } = await runExample('sqs-consumer');
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(JSON.parse(results[0]!.payload)).toEqual({ batchItemFailures: [{ itemIdentifier: '3a1424d4-f796-459a-8184-9c92662be6db' }] });
    expect(spans[0]).toMatchObject({
      name: 'process orders',
      kind: 5,
      attributes: { 'aws.lambda.batch_item_failures': 1, 'messaging.batch.message_count': 3 },
    });
    expect(spans[0]!.links).toHaveLength(2);
    expect(logs.filter((l) => l.severityText === 'ERROR')).toHaveLength(20);
    expect(logs.find((l) => l.severityText === 'ERROR')!.attributes['exception.type']).toBe('SyntaxError');
  });

  it('nightly-report: a timer span with a nested span and its summary', async () => {
    const { spans, allSpans, logs } = await runExample('nightly-report');
    expect(spans[0]).toMatchObject({
      name: 'schedule nightly-report',
      attributes: { 'faas.trigger': 'timer', 'aws.eventbridge.rule': 'nightly-report' },
    });
    expect(allSpans.filter((s) => s.name === 'aggregate orders' && s.parentSpanId === spans[0]!.spanId)).toHaveLength(1);
    expect(logs.filter((l) => String(l.body).includes('report.ready'))).toHaveLength(20);
  });

  it('stream-report: the streamed body arrives whole; its span and the log written after the stream ended arrive for every invocation', async () => {
    const { results, spans, logs } = await runExample('stream-report');
    expect(results.every((r) => r.status === 'success' && r.payload === 'line 1\nline 2\nline 3\nline 4\nline 5\n')).toBe(true);
    expect(spans[0]).toMatchObject({ name: 'GET', attributes: { 'faas.trigger': 'http' } });
    expect(logs.filter((l) => l.body === 'report streamed { lines: 5 }')).toHaveLength(20);
  });
});

describe('npm run demo', () => {
  it.skipIf(!availability.run)('prints a cold start, an error and a slow call as trace trees with their log lines inside', () => {
    const run = spawnSync(process.execPath, ['tools/demo.ts', '--out', mkdtempSync(join(tmpdir(), 'demo-'))], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/invoke \(cold start\): success/);
    expect(run.stdout).toMatch(/invoke \(error\): error/);
    expect(run.stdout).toMatch(/[├└]─ GET \/orders\/\{id\}\s+[\d.]+ ms\s+\[SERVER\]\s+\(cold start, HTTP 200\)/);
    expect(run.stdout).toMatch(/ERROR: order lookup failed/);
    expect(run.stdout).toMatch(/INFO\s+handling GET \/orders\/\{id\}/);
    expect(run.stdout).toMatch(/└─ load order/);
    expect(run.stdout).toMatch(/8 of them inside a span; 1 cold start, 5 freezes\./);
    // Then the metrics the four invocations were counted in: the FaaS metrics and the function's own counter.
    expect(run.stdout).toMatch(/^metrics \(delta points added up\):$/m);
    expect(run.stdout).toMatch(/^ {2}faas\.invocations \{faas\.trigger=http\} +3$/m);
    expect(run.stdout).toMatch(/^ {2}faas\.errors \{faas\.trigger=http\} +1$/m);
    expect(run.stdout).toMatch(/^ {2}faas\.coldstarts \{faas\.trigger=http\} +1$/m);
    expect(run.stdout).toMatch(/^ {2}faas\.invoke_duration \{faas\.trigger=http\} +count 4, sum [\d.]+ s, max [\d.]+ s$/m);
    expect(run.stdout).toMatch(/^ {2}faas\.init_duration \{faas\.trigger=http\} +count 1, /m);
    expect(run.stdout).toMatch(
      /^ {2}http\.server\.request\.duration \{.*http\.route=\/orders\/\{id\}.*http\.response\.status_code=200.*\} +count 3, /m,
    );
    expect(run.stdout).toMatch(/^ {2}orders\.lookups \{orders\.result=found\} +3$/m);
  });
});
