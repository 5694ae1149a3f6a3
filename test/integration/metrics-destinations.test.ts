// Where the metrics of a Lambda setup go besides OTLP's /v1/metrics: EMF lines, nowhere, another URL.
import { metrics } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { createLambdaObservability } from '../../src/lambda.ts';
import { readEmfLine } from '../helpers/emf-reader.ts';
import { useLambdaMetricsHarness, type LambdaMetricsHarness } from '../helpers/lambda-metrics-harness.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { metricTotal as total } from '../helpers/metric-total.ts';

const harness = useLambdaMetricsHarness();
const setup: LambdaMetricsHarness['setup'] = (...args) => harness.setup(...args);

describe('where metrics go instead', () => {
  it('OTEL_METRICS_EXPORTER=emf: CloudWatch EMF lines on stdout, no request; the values are what happened', async () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      // The provider this file's import of the Lambda entry registered (no setup has shut it down yet).
      const counter = metrics.getMeter('emf').createCounter('emf.orders');
      const wrapped = setup({ OTEL_METRICS_EXPORTER: 'emf', FAAS_OBSERVABILITY_METRICS_NAMESPACE: 'Shop' }).wrap(
        async (event: { fail?: boolean }, _context: unknown) => {
          counter.add(3, { kind: 'book' });
          if (event.fail) throw new Error('no');
        },
      );
      await wrapped({}, lambdaContext());
      await expect(wrapped({ fail: true }, lambdaContext())).rejects.toThrow('no');
    } finally {
      process.stdout.write = write;
    }
    expect(harness.receiver.requests.filter((r) => r.path === '/v1/metrics')).toHaveLength(0);
    const documents = lines.filter((line) => line.includes('"_aws"')).map((line) => readEmfLine(line.trim()));
    const sum = (name: string) =>
      documents
        .flatMap((d) => d.entries)
        .filter((e) => e.name === name)
        .reduce((s, e) => s + Number(e.value), 0);
    expect(documents.flatMap((d) => d.entries).every((e) => e.namespace === 'Shop')).toBe(true);
    expect(sum('faas.invocations')).toBe(1);
    expect(sum('faas.errors')).toBe(1);
    expect(sum('emf.orders')).toBe(6);
  });

  it.each([
    ['OTEL_METRICS_EXPORTER=none', { OTEL_METRICS_EXPORTER: 'none' }, {}],
    ['the option metrics: false', {}, { metrics: false as const }],
  ])('%s: no metrics request and nothing recorded', async (_name, env, options) => {
    const wrapped = setup(env, createLambdaObservability, options).wrap(async (_event: unknown, _context: unknown) => 'ok');
    await wrapped({}, lambdaContext());
    expect(harness.receiver.requests.map((r) => r.path)).toContain('/v1/traces');
    expect(harness.receiver.requests.map((r) => r.path)).not.toContain('/v1/metrics');
    expect(harness.observability!.telemetry!.metrics).toBeUndefined();
  });

  it('OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics go to that URL verbatim, the other signals to the base endpoint', async () => {
    const wrapped = setup({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${harness.receiver.url}/tenant-7/v1/metrics` }).wrap(
      async (_event: unknown, _context: unknown) => 'ok',
    );
    await wrapped({}, lambdaContext());
    const paths = harness.receiver.requests.map((r) => r.path);
    expect(paths).toContain('/tenant-7/v1/metrics');
    expect(paths).not.toContain('/v1/metrics');
    expect(paths).toContain('/v1/traces');
    expect(total(harness.receiver.metrics, 'faas.invocations')).toBe(1);
  });
});
