import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { failingExporter } from '../helpers/fake-exporters.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';

const saved = { warn: console.warn, error: console.error, log: console.log };
afterEach(() => Object.assign(console, saved));

describe('diagnostics', () => {
  it('a failed flush is reported once per invocation on stderr, with its cause, through the console originals', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    const logs = new InMemoryLogRecordExporter();
    const observability = createLambdaObservability({ spanExporter: failingExporter(), logExporter: logs, metrics: false }, LAMBDA_ENV);
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 'result');
    expect(await wrapped({}, lambdaContext())).toBe('result');
    expect(await wrapped({}, lambdaContext())).toBe('result');
    await observability.shutdown();
    const flushLines = written.filter((line) => line.includes('not delivered'));
    expect(flushLines).toHaveLength(2);
    expect(flushLines[0]).toMatch(/^warn: \[faas-observability\] warn 1 span\(s\) not delivered; spans: export failed: ECONNREFUSED/);
    // Diagnostics never become log records (no recursion through the bridge).
    expect(logs.getFinishedLogRecords().filter((r) => String(r.body).includes('faas-observability'))).toEqual([]);
  });

  it('a dead collector costs one line per invocation, saying what was lost and where the logs went', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    const { freePort } = await import('../helpers/collector.ts');
    const observability = createLambdaObservability({ endpoint: `http://127.0.0.1:${await freePort()}` }, LAMBDA_ENV);
    const stdout: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => {
      stdout.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
        console.log('kept');
        return 1;
      });
      for (let i = 0; i < 5; i++) await wrapped({}, lambdaContext());
    } finally {
      process.stdout.write = write;
      await observability.shutdown();
    }
    const lines = written.filter((line) => line.includes('[faas-observability]'));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      /^warn: \[faas-observability\] warn 1 span\(s\) written to stdout as JSON lines; 1 log record\(s\) written to stdout as JSON lines; 5 metric data point\(s\) written to stdout as metric lines; spans: OTLP export of 1 item\(s\) failed: cannot reach http:\/\/127\.0\.0\.1:\d+; logs: OTLP export of 1 item\(s\) failed: cannot reach http:\/\/127\.0\.0\.1:\d+; metrics: OTLP export of 5 item\(s\) failed: cannot reach http:\/\/127\.0\.0\.1:\d+ \(export took \d+ ms\)$/,
    );
    expect(lines[1]).toMatch(/circuit open after .*ECONNREFUSED|circuit open after OTLP export/);
    expect(stdout.filter((line) => line.includes('"undelivered_log_record":true'))).toHaveLength(5);
    expect(stdout.filter((line) => line.includes('"undelivered_span":true'))).toHaveLength(5);
    // Metrics take Lambda's own path: CloudWatch EMF documents, one per invocation here (one trigger, one time).
    const emf = stdout.filter((line) => line.includes('"CloudWatchMetrics"')).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(emf).toHaveLength(5);
    expect(emf.every((document) => document['faas.invocations'] === 1 && document['faas.trigger'] === 'other')).toBe(true);
  });

  it('at OTEL_LOG_LEVEL=debug, every invocation says what its export took', async () => {
    const debug: string[] = [];
    const savedDebug = console.debug;
    console.debug = (...args: unknown[]) => debug.push(args.join(' '));
    try {
      const { createLambdaObservability } = await loadWithRecordedConsole();
      const observability = createLambdaObservability(
        { spanExporter: new InMemorySpanExporter(), logExporter: new InMemoryLogRecordExporter(), metrics: false },
        { ...LAMBDA_ENV, OTEL_LOG_LEVEL: 'debug' },
      );
      const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 'result');
      await wrapped({}, lambdaContext());
      await wrapped({}, lambdaContext());
      await observability.shutdown();
    } finally {
      console.debug = savedDebug;
    }
    expect(debug.filter((line) => /telemetry exported in \d+ ms \(per invocation\)$/.test(line))).toHaveLength(2);
  });

  it('a second withObservability call with options says, once, that they are ignored', async () => {
    const { written } = await loadWithRecordedConsole();
    const { withObservability } = await import('../../src/lambda.ts');
    withObservability(async () => 1, { spanExporter: failingExporter(), logExporter: failingExporter() });
    withObservability(async () => 2, { serviceName: 'other' });
    withObservability(async () => 3, { serviceName: 'another' });
    withObservability(async () => 4);
    expect(written.filter((line) => line.includes('called again with options'))).toHaveLength(1);
  });

  it('a bad configuration value is reported once with the variable and the default, never a header secret', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    const observability = createLambdaObservability(
      { spanExporter: failingExporter(), logExporter: failingExporter() },
      {
        ...LAMBDA_ENV,
        OTEL_BSP_MAX_QUEUE_SIZE: 'lots',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cr3t,broken-entry-s3cr3t',
      },
    );
    await observability.shutdown();
    expect(written).toContain('warn: [faas-observability] warn OTEL_BSP_MAX_QUEUE_SIZE="lots" is not a number; using no limit');
    expect(written.join('\n')).not.toMatch(/Bearer|s3cr3t/);
    expect(written).toContain('warn: [faas-observability] warn OTEL_EXPORTER_OTLP_HEADERS entry #2 is not "key=value"; skipping it');
    expect(written.filter((line) => line.includes('OTEL_EXPORTER_OTLP_HEADERS'))).toHaveLength(1);
  });
});
