import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { startCollector } from '../helpers/collector.ts';
import { eventually, queryLogs, realStackAvailability, startVictoriaLogs } from '../helpers/real-stack.ts';
import { stdoutRecords } from '../helpers/sinks.ts';
import { recordUidOf, type ReceivedLog } from '../../tools/otlp-decode.ts';
import { buildExampleFunction } from '../helpers/build-function.ts';

const availability = realStackAvailability(['collector', 'victoria-logs']);
const event = JSON.parse(readFileSync(new URL('../../functions/orders-api/events/event.json', import.meta.url), 'utf8'));

describe.skipIf(!availability.run)('the real collector dies mid-run and comes back, the function frozen at every /next', () => {
  it("no log is lost: each is found exactly once in the collector, the Loki fallback's store or the function's stdout", async () => {
    const logStore = await startVictoriaLogs();
    onTestFinished(() => logStore.stop());
    let collector = await startCollector();
    const port = Number(new URL(collector.endpoint).port);
    const artifact = await buildExampleFunction('orders-api');
    const built = { taskRoot: artifact.dir, handler: 'index.handler' };
    const lambda = await RuntimeApiServer.start({
      ...built,
      functionName: 'orders-api',
      timeoutMs: 10_000,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        FAAS_OBSERVABILITY_LOKI_URL: logStore.lokiUrl,
        FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS: '200',
        // Room for a loaded machine: the test reads which sink took each record, not how fast.
        FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000',
        OTEL_EXPORTER_OTLP_TIMEOUT: '2000',
      },
    });
    const results: InvocationResult[] = [];
    const received = {
      spans: [] as { attributes: Record<string, unknown> }[],
      logs: [] as ReceivedLog[],
    };
    for (let i = 0; i < 90; i++) {
      // The collector goes down between invocations (after the last one's flush, which follows its response).
      if (i === 30) await lambda.idle();
      if (i === 30)
        Object.values(await collector.stop()).forEach((items, k) => (k === 0 ? received.spans : received.logs).push(...(items as never[])));
      if (i === 60) {
        collector = await startCollector({ port });
        await new Promise((resolve) => setTimeout(resolve, 250)); // past the breaker's back-off: the next flush probes
      }
      results.push(await lambda.invoke(event));
    }
    await lambda.stop();
    const last = await collector.stop();
    received.spans.push(...last.spans);
    received.logs.push(...last.logs);

    expect(results.every((r) => r.status === 'success')).toBe(true);
    // No invocation ran out of its flush budget: the function says so on its output when one does.
    expect(lambda.output.map((o) => o.text).join('')).not.toMatch(/flush did not finish/);
    const stdout = lambda.output
      .filter((o) => o.stream === 'stdout')
      .map((o) => o.text)
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{"undelivered_log_record":true'))
      .map((line) => JSON.parse(line));
    const handled = (body: unknown) => String(body).startsWith('handling ');
    const elsewhere = received.logs.filter((l) => handled(l.body)).length + stdout.filter((r) => handled(r.body)).length;
    // The real log store (VictoriaLogs, through its Loki push API): everything the function pushed there, read
    // back by LogsQL once all of it is queryable.
    const lokiLines = await eventually(
      () => queryLogs(logStore.url, '{service_name="orders-api"} _msg:~"^handling "'),
      (lines) => lines.length + elsewhere >= 90,
    );
    const found = [
      ...received.logs.filter((l) => handled(l.body)).map((l) => ({ sink: 'collector', uid: recordUidOf(l), body: String(l.body) })),
      ...lokiLines.filter((e) => handled(e.line)).map((e) => ({ sink: 'loki', uid: e.metadata.log_record_uid, body: e.line })),
      ...stdout.filter((r) => handled(r.body)).map((r) => ({ sink: 'stdout', uid: r.attributes['log.record.uid'], body: String(r.body) })),
    ];
    expect(found).toHaveLength(90);
    expect(new Set(found.map((f) => f.uid)).size).toBe(90);
    expect(new Set(found.map((f) => f.body.split(' ').at(-1)))).toEqual(new Set(results.map((r) => r.requestId)));
    const bySink = (sink: string) => found.filter((f) => f.sink === sink).length;
    // Before the outage everything went to the collector; during it to Loki; after it Loki until the breaker's
    // next probe (its back-off doubled during the outage), then the collector again.
    const order = new Map(results.map((r, i) => [r.requestId, i]));
    const sinkOf = (i: number) => found.find((f) => order.get(f.body.split(' ').at(-1)!) === i)!.sink;
    expect(Array.from({ length: 30 }, (_, i) => sinkOf(i)).every((sink) => sink === 'collector')).toBe(true);
    expect(Array.from({ length: 29 }, (_, i) => sinkOf(31 + i)).every((sink) => sink === 'loki')).toBe(true);
    expect(Array.from({ length: 10 }, (_, i) => sinkOf(80 + i)).every((sink) => sink === 'collector')).toBe(true);
    expect(bySink('stdout')).toBe(0);
    // Spans skip Loki: those of the outage were written to stdout; every invocation's span is in one sink.
    const stdoutSpans = stdoutRecords(lambda)
      .spans.map((s) => s.attributes?.['faas.invocation_id'])
      .filter((id) => id !== undefined);
    const collectorSpans = received.spans.map((s) => s.attributes['faas.invocation_id']).filter((id) => id !== undefined);
    expect(stdoutSpans.length).toBeGreaterThanOrEqual(29);
    expect(collectorSpans.length + stdoutSpans.length).toBe(90);
    expect(new Set([...collectorSpans, ...stdoutSpans])).toEqual(new Set(results.map((r) => r.requestId)));
  }, 300_000);
});
