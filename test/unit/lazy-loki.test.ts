import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it, vi } from 'vitest';
import { DeliveryReport } from '../../src/exporters/delivery-report.ts';
import { FailoverLogExporter } from '../../src/exporters/failover.ts';
import { LazyExporter, type LoadableExporter } from '../../src/exporters/lazy-exporter.ts';
import type { LokiFallback } from '../../src/exporters/loki/loki-fallback.ts';
import { CircuitBreaker } from '../../src/exporters/transport/circuit-breaker.ts';
import { createLambdaObservability } from '../../src/lambda.ts';
import { closedEndpoint, startLoopbackServer } from '../../tools/loopback.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { makeRecords } from '../helpers/log-records.ts';

const records = (count: number) => makeRecords(Array.from({ length: count }, (_, i) => ({ body: `line ${i}` })));

// Counts the evaluations of the Loki exporter's module: this file imports nothing that imports it statically.
const { lokiModuleLoads } = vi.hoisted(() => ({ lokiModuleLoads: { count: 0 } }));
vi.mock('../../src/exporters/loki/loki-push.ts', async (importOriginal) => {
  lokiModuleLoads.count += 1;
  return importOriginal();
});

const ok = (): LoadableExporter<ReadableLogRecord> => ({
  export: (_items, done) => done({ code: ExportResultCode.SUCCESS }),
  shutdown: async () => {},
});
const exportOnce = (exporter: LazyExporter<ReadableLogRecord>) =>
  new Promise<ExportResult>((resolve) => exporter.export(records(1), resolve));

describe('LazyExporter', () => {
  it('loads on the first export only, once, and a flush waits for the load', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = vi.fn(async () => {
      await gate;
      return ok();
    });
    const lazy = new LazyExporter(load, 'the test exporter');
    await lazy.forceFlush();
    expect(load).not.toHaveBeenCalled();
    const results: ExportResult[] = [];
    lazy.export(records(1), (r) => results.push(r));
    lazy.export(records(1), (r) => results.push(r));
    let flushed = false;
    const flush = lazy.forceFlush().then(() => (flushed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(flushed).toBe(false);
    release();
    await flush;
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.SUCCESS, ExportResultCode.SUCCESS]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('a load that fails (or throws, or an exporter that throws) answers FAILED with the reason, never throws', async () => {
    const failing = new LazyExporter<ReadableLogRecord>(
      () => Promise.reject(new Error('Cannot find module loki-push-X.mjs')),
      'the Loki fallback',
    );
    const result = await exportOnce(failing);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error?.message).toBe('the Loki fallback could not be loaded');
    expect((result.error?.cause as Error).message).toBe('Cannot find module loki-push-X.mjs');
    const throwing = new LazyExporter<ReadableLogRecord>(() => {
      throw new Error('sync');
    }, 'x');
    expect((await exportOnce(throwing)).code).toBe(ExportResultCode.FAILED);
    const broken = new LazyExporter<ReadableLogRecord>(
      async () => ({
        export: () => {
          throw new Error('boom');
        },
        shutdown: async () => {},
      }),
      'x',
    );
    expect((await exportOnce(broken)).error?.message).toBe('x threw');
    await expect(failing.shutdown()).resolves.toBeUndefined();
  });

  it('behind the failover: a load failure is a diagnostic note and the records go to stdout, none lost', async () => {
    const report = new DeliveryReport();
    const lines: string[] = [];
    const failover = new FailoverLogExporter({
      primary: {
        exporter: { export: (_r, done) => done({ code: ExportResultCode.FAILED, error: new Error('refused') }) },
        breaker: new CircuitBreaker(),
      },
      fallback: {
        exporter: new LazyExporter<ReadableLogRecord>(() => Promise.reject(new Error('no chunk')), 'the Loki fallback'),
        breaker: new CircuitBreaker(),
      },
      lastResort: (line) => lines.push(line),
      report,
    });
    const result = await new Promise<ExportResult>((resolve) => failover.export(records(3), resolve));
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(lines).toHaveLength(3);
    const snapshot = report.take()!;
    expect(snapshot.logs.stdout).toBe(3);
    expect(snapshot.reasons.join('\n')).toContain('fallback: the Loki fallback could not be loaded: no chunk');
  });
});

describe('the Lambda setup imports the Loki module only when the fallback is needed', () => {
  async function invoke(options: Parameters<typeof createLambdaObservability>[0]): Promise<void> {
    const saved = { ...console };
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) console[method] = () => {};
    const observability = createLambdaObservability(
      { spanExporter: new InMemorySpanExporter(), postResponseFlush: false, ...options },
      LAMBDA_ENV,
    );
    try {
      await observability.wrap(async (_event: unknown, _context: unknown) => console.log('hello'))({}, lambdaContext());
    } finally {
      await observability.shutdown();
      Object.assign(console, saved);
    }
  }

  // First in this file: the module counter only counts a first evaluation.
  it('the lokiFallback option replaces the dynamic import: its exporter gets the records, the module is never imported', async () => {
    const exported: string[] = [];
    const configs: { url: string }[] = [];
    class GivenLokiExporter {
      constructor(config: { url: string }) {
        configs.push(config);
      }
      export(items: ReadableLogRecord[], done: (result: ExportResult) => void): void {
        exported.push(...items.map((item) => String(item.body)));
        done({ code: ExportResultCode.SUCCESS });
      }
      async shutdown(): Promise<void> {}
    }
    const lokiFallback = { LokiPushExporter: GivenLokiExporter } as unknown as LokiFallback;
    await invoke({ endpoint: await closedEndpoint(), loki: { url: 'http://loki.invalid' }, lokiFallback });
    expect(exported).toEqual(['hello']);
    expect(configs.map((c) => c.url)).toEqual(['http://loki.invalid']);
    expect(lokiModuleLoads.count).toBe(0);
  });

  it('not configured, or configured while OTLP takes everything: never imported; OTLP failing: imported and used', async () => {
    await invoke({ endpoint: await closedEndpoint() });
    expect(lokiModuleLoads.count).toBe(0);
    const collector = await startLoopbackServer();
    const loki = await startLoopbackServer();
    try {
      await invoke({ endpoint: collector.url, loki: { url: loki.url } });
      expect(lokiModuleLoads.count).toBe(0);
      expect(loki.requests).toHaveLength(0);
      await invoke({ endpoint: await closedEndpoint(), loki: { url: loki.url } });
      expect(lokiModuleLoads.count).toBe(1);
      expect(loki.requests.map((r) => r.path)).toEqual(['/loki/api/v1/push']);
    } finally {
      await collector.close();
      await loki.close();
    }
  });
});
