// A burst of adds costs memory per series, not per call: the heap retained after a full collection is measured.
import { resourceFromAttributes } from '@opentelemetry/resources';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CollectingMeterProvider } from '../../src/core/metrics/meter-provider.ts';
import { temporalityFor } from '../../src/core/metrics/temporality.ts';

const resource = resourceFromAttributes({ 'service.name': 'meters' });

describe('the memory of a burst', () => {
  it('memory: 100,000 adds and records on 3 series retain no more than the 3 series did after their first call', async () => {
    // A full collection before each reading, so only what is still referenced counts (V8's gc, reached
    // through a fresh context once the flag is set).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfterGc = () => {
      gc();
      gc();
      return process.memoryUsage().heapUsed;
    };
    const provider = new CollectingMeterProvider();
    const meter = provider.getMeter('m');
    const counter = meter.createCounter('requests');
    const latency = meter.createHistogram('latency');
    const regions = ['eu', 'us', 'ap'];
    const burst = (calls: number) => {
      for (let i = 0; i < calls; i++) {
        counter.add(1, { region: regions[i % 3]! });
        latency.record(i % 1000, { region: regions[i % 3]! });
      }
    };
    burst(3); // each series made once, and the loop compiled
    const before = heapAfterGc();
    burst(100_000);
    const retained = heapAfterGc() - before;
    // Kept per call, the values alone would be 1.6 MB (8 bytes each, 200,000 calls).
    expect(retained).toBeLessThan(256 * 1024);
    const records = await provider.collect(resource, temporalityFor('delta'));
    expect(records.map((r) => r.data.points.length)).toEqual([3, 3]);
    expect(records[0]!.data.points.reduce((sum, p) => sum + ('value' in p ? p.value : 0), 0)).toBe(100_003);
  });
});
