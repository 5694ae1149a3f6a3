import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { FaasMetrics } from '../../src/core/metrics/faas-metrics.ts';
import { CollectingMeterProvider } from '../../src/core/metrics/meter-provider.ts';
import { temporalityFor } from '../../src/core/metrics/temporality.ts';

// The semantic conventions' FaaS metrics (https://opentelemetry.io/docs/specs/semconv/faas/faas-metrics/) and
// HTTP request durations (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/), written out here
// from the specification rather than read from the code under test.
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const CONVENTIONS = [
  { name: 'faas.invocations', type: 'sum', unit: '{invocation}', valueType: 'int' },
  { name: 'faas.errors', type: 'sum', unit: '{error}', valueType: 'int' },
  { name: 'faas.timeouts', type: 'sum', unit: '{timeout}', valueType: 'int' },
  { name: 'faas.coldstarts', type: 'sum', unit: '{coldstart}', valueType: 'int' },
  { name: 'faas.invoke_duration', type: 'histogram', unit: 's', valueType: 'double', buckets: DURATION_BUCKETS },
  { name: 'faas.init_duration', type: 'histogram', unit: 's', valueType: 'double', buckets: DURATION_BUCKETS },
  { name: 'faas.mem_usage', type: 'histogram', unit: 'By', valueType: 'int' },
  { name: 'http.server.request.duration', type: 'histogram', unit: 's', valueType: 'double', buckets: DURATION_BUCKETS },
  { name: 'http.client.request.duration', type: 'histogram', unit: 's', valueType: 'double', buckets: DURATION_BUCKETS },
] as const;

async function recordEverything() {
  const provider = new CollectingMeterProvider();
  const faas = new FaasMetrics(provider);
  faas.invocation({
    trigger: 'http',
    outcome: 'success',
    durationS: 0.02,
    coldStart: true,
    initDurationS: 0.3,
    memoryBytes: 90e6,
    http: {},
  });
  faas.invocation({ trigger: 'pubsub', outcome: 'error', durationS: 0.2, coldStart: false, memoryBytes: 91e6 });
  faas.invocation({ trigger: 'timer', outcome: 'timeout', durationS: 3, coldStart: false });
  faas.clientRequest(0.05, { 'http.request.method': 'GET', 'server.address': 'api.example', 'url.full': 'https://api.example/x?y=1' });
  return provider.collect(resourceFromAttributes({}), temporalityFor('delta'));
}

describe('the built-in FaaS metrics follow the semantic conventions', () => {
  it.each(CONVENTIONS)('$name: $type in $unit ($valueType)', async (convention) => {
    const record = (await recordEverything()).find((r) => r.name === convention.name);
    expect(record).toMatchObject({ unit: convention.unit, valueType: convention.valueType, data: { type: convention.type } });
    if (convention.type === 'sum') expect(record!.data).toMatchObject({ monotonic: true, temporality: 'delta' });
    if ('buckets' in convention)
      expect((record!.data.points[0] as { boundaries: readonly number[] }).boundaries).toEqual(convention.buckets);
    expect(record!.description).not.toBe('');
  });

  it('every invocation counts in exactly one of invocations, errors and timeouts, by faas.trigger', async () => {
    const records = await recordEverything();
    const points = (name: string) =>
      records.find((r) => r.name === name)!.data.points.map((p) => [p.attributes['faas.trigger'], 'value' in p ? p.value : p.count]);
    expect(points('faas.invocations')).toEqual([['http', 1]]);
    expect(points('faas.errors')).toEqual([['pubsub', 1]]);
    expect(points('faas.timeouts')).toEqual([['timer', 1]]);
    expect(points('faas.coldstarts')).toEqual([['http', 1]]);
    expect(points('faas.invoke_duration')).toEqual([
      ['http', 1],
      ['pubsub', 1],
      ['timer', 1],
    ]);
    expect(points('faas.init_duration')).toEqual([['http', 1]]);
  });

  it('the HTTP metrics keep only their low-cardinality attributes: never a URL', async () => {
    const records = await recordEverything();
    const client = records.find((r) => r.name === 'http.client.request.duration')!.data.points[0]!;
    expect(client.attributes).toEqual({ 'http.request.method': 'GET', 'server.address': 'api.example' });
  });
});
