import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { describe, expect, it } from 'vitest';
import { withObservability } from '../../src/edge.ts';

describe('an edge route function that throws', () => {
  it('costs the span its route, never the request', async () => {
    console.log = () => {};
    const spans = new InMemorySpanExporter();
    const handler = withObservability(async (_request: Request, _context?: unknown) => new Response('routed anyway'), {
      spanExporter: spans,
      logExporter: new InMemoryLogRecordExporter(),
      route: () => {
        throw new Error('router bug');
      },
    });
    const pending: Promise<unknown>[] = [];
    const response = await handler(new Request('https://w.test/items/1'), { waitUntil: (p: Promise<unknown>) => pending.push(p) });
    expect(await response.text()).toBe('routed anyway');
    await Promise.allSettled(pending);
    await Promise.allSettled(pending);
    expect(spans.getFinishedSpans().map((s) => [s.name, s.attributes['http.route']])).toEqual([['GET', undefined]]);
  });
});
