import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { loadWithRecordedConsole } from '../helpers/observability.ts';

// Two createEdgeObservability setups in one isolate share its console, global fetch and API registration
// (one owner); each request's records and spans go to the setup whose handler serves it.

async function freshEdge() {
  const { written } = await loadWithRecordedConsole();
  vi.resetModules();
  return { written, edge: await import('../../src/edge.ts') };
}

type Worker = { fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> };

async function request(worker: Worker, path: string): Promise<void> {
  const pending: Promise<unknown>[] = [];
  await worker.fetch(new Request(`https://w.test${path}`), {}, { waitUntil: (promise: Promise<unknown>) => void pending.push(promise) });
  await Promise.all(pending);
}

function setup(edge: Awaited<ReturnType<typeof freshEdge>>['edge'], serviceName: string) {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const observability = edge.createEdgeObservability({ spanExporter: spans, logExporter: logs, serviceName });
  const worker = observability.wrap({
    fetch: async (request: Request) => {
      console.log(`${serviceName} ${new URL(request.url).pathname}`);
      return new Response(serviceName);
    },
  }) as Worker;
  const bodies = () => logs.getFinishedLogRecords().map((r) => r.body);
  const services = () => [...new Set(logs.getFinishedLogRecords().map((r) => r.resource.attributes['service.name']))];
  return { observability, worker, spans, logs, bodies, services };
}

describe('two createEdgeObservability setups in one isolate', () => {
  it('requests A, B, A: each setup exports exactly its own records in its own traces; no duplicate registration', async () => {
    const { written, edge } = await freshEdge();
    const a = setup(edge, 'a');
    const b = setup(edge, 'b');
    await request(a.worker, '/1');
    await request(b.worker, '/2');
    await request(a.worker, '/3');
    expect(a.bodies()).toEqual(['a /1', 'a /3']);
    expect(b.bodies()).toEqual(['b /2']);
    expect(a.services()).toEqual(['a']);
    expect(b.services()).toEqual(['b']);
    const traceOf = (spans: InMemorySpanExporter) => new Set(spans.getFinishedSpans().map((s) => s.spanContext().traceId));
    expect(new Set(a.logs.getFinishedLogRecords().map((r) => r.spanContext?.traceId))).toEqual(traceOf(a.spans));
    expect(new Set(b.logs.getFinishedLogRecords().map((r) => r.spanContext?.traceId))).toEqual(traceOf(b.spans));
    expect(written.filter((line) => /duplicate registration/i.test(line))).toEqual([]);
    await a.observability.shutdown();
    await b.observability.shutdown();
  });

  it("A's shutdown leaves B whole: B still captures its console calls", async () => {
    const { edge } = await freshEdge();
    const a = setup(edge, 'a');
    const b = setup(edge, 'b');
    await request(a.worker, '/1');
    await request(b.worker, '/2');
    await a.observability.shutdown();
    await request(b.worker, '/3');
    expect(b.bodies()).toEqual(['b /2', 'b /3']);
    expect(b.spans.getFinishedSpans()).toHaveLength(2);
    await b.observability.shutdown();
  });
});
