import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { describe, expect, it, vi } from 'vitest';
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

  it('is reported once through the diagnostics, however many requests it fails', async () => {
    // The diagnostics write through the console methods captured when the library loads: load it afresh.
    const written: string[] = [];
    const saved = console.warn;
    console.warn = (...args: unknown[]) => written.push(args.join(' '));
    try {
      // The bridge the previous test's isolate setup left installed would keep the console it found.
      (console as unknown as Record<symbol, { uninstall(): void } | undefined>)[
        Symbol.for('faas-observability.console-bridge')
      ]?.uninstall();
      vi.resetModules();
      const fresh = await import('../../src/edge.ts');
      const handler = fresh
        .createEdgeObservability({
          spanExporter: new InMemorySpanExporter(),
          logExporter: new InMemoryLogRecordExporter(),
          route: () => {
            throw new RangeError('router bug');
          },
        })
        .wrap(async (_request: Request, _context?: unknown) => new Response('ok'));
      for (let i = 0; i < 3; i++) {
        const pending: Promise<unknown>[] = [];
        await handler(new Request(`https://w.test/items/${i}`), { waitUntil: (p: Promise<unknown>) => pending.push(p) });
        await Promise.allSettled(pending);
      }
    } finally {
      console.warn = saved;
    }
    expect(written.filter((line) => line.includes('route option threw'))).toEqual([expect.stringContaining('RangeError: router bug')]);
  });
});
