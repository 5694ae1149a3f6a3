import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { loadWithRecordedConsole } from '../helpers/observability.ts';

/** The edge entry loaded fresh (no isolate setup yet), with the console recorded first. */
async function freshEdge() {
  const { written } = await loadWithRecordedConsole();
  vi.resetModules();
  return { written, edge: await import('../../src/edge.ts') };
}

const ctx = () => {
  const pending: Promise<unknown>[] = [];
  return { pending, waitUntil: (promise: Promise<unknown>) => void pending.push(promise) };
};

async function request(worker: { fetch(request: Request, env: unknown, ctx: unknown): Promise<Response> }, path: string) {
  const context = ctx();
  const response = await worker.fetch(new Request(`https://w.test${path}`), {}, context);
  await Promise.all(context.pending);
  return response;
}

describe('createEdgeObservability', () => {
  it('each setup has its own telemetry: no module-level state is shared between two', async () => {
    const { edge } = await freshEdge();
    const [spansA, spansB] = [new InMemorySpanExporter(), new InMemorySpanExporter()];
    const logs = new InMemoryLogRecordExporter();
    const a = edge.createEdgeObservability({ spanExporter: spansA, logExporter: logs, serviceName: 'a' });
    const b = edge.createEdgeObservability({ spanExporter: spansB, logExporter: logs, serviceName: 'b' });
    const workerA = a.wrap({ fetch: async () => new Response('a') });
    const workerB = b.wrap({ fetch: async () => new Response('b') });
    await request(workerA, '/one');
    await request(workerB, '/two');
    await request(workerA, '/three');
    expect(spansA.getFinishedSpans().map((s) => [s.attributes['url.path'], s.attributes['faas.coldstart']])).toEqual([
      ['/one', true],
      ['/three', false],
    ]);
    expect(spansB.getFinishedSpans().map((s) => [s.attributes['url.path'], s.attributes['faas.coldstart']])).toEqual([['/two', true]]);
    await a.shutdown();
    await b.shutdown();
  });
});

describe('edge withObservability: one setup per isolate', () => {
  it('a second call with other options shares the first setup and says so once; the same options object says nothing', async () => {
    const { written, edge } = await freshEdge();
    const spans = new InMemorySpanExporter();
    const options = { spanExporter: spans, logExporter: new InMemoryLogRecordExporter() };
    const first = edge.withObservability({ fetch: async () => new Response('1') }, options);
    edge.withObservability({ fetch: async () => new Response('2') }, options);
    const third = edge.withObservability({ fetch: async () => new Response('3') }, { serviceName: 'other' });
    edge.withObservability({ fetch: async () => new Response('4') }, { serviceName: 'another' });
    await request(first, '/first');
    await request(third, '/third');
    expect(spans.getFinishedSpans()).toHaveLength(2); // the third handler exports through the first setup
    expect(written.filter((line) => line.includes('called again with other options'))).toHaveLength(1);
  });
});
