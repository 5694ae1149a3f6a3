// The semantic conventions' FaaS metrics as the official SDK records them by hand, created as ours creates
// them (src/core/metrics/faas-metrics.ts): a MeterProvider with a PeriodicExportingMetricReader and the official
// OTLP proto metrics exporter (delta temporality), flushed with the traces and logs after each invocation.
// Shared by official-metrics.ts and official-mix.ts.
import { ValueType, metrics, type Meter } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

const initS = performance.now() / 1000;
const DURATION = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const MEMORY = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 10240].map((mib) => mib * 1024 * 1024);

/** What a variant with metrics adds: measurements at the end of each invocation, and a flush beside the others. */
export interface MetricsHooks {
  invoked(i: number, durationS: number, failed?: boolean): void;
  forceFlush(): Promise<void>;
}

/** Registers the meter provider globally; `user` records more instruments (on the global meter) per invocation. */
export function officialFaasMeters(resource: Resource, user?: (meter: Meter) => (i: number) => void): MetricsHooks {
  const meterProvider = new MeterProvider({
    resource,
    readers: [
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ temporalityPreference: AggregationTemporality.DELTA }) }),
    ],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  const meter = meterProvider.getMeter('faas');
  const count = (name: string, unit: string, description: string) =>
    meter.createCounter(name, { unit, description, valueType: ValueType.INT });
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: DURATION } });
  const invocations = count('faas.invocations', '{invocation}', 'Number of successful invocations');
  const errors = count('faas.errors', '{error}', 'Number of invocation errors');
  count('faas.timeouts', '{timeout}', 'Number of invocation timeouts');
  const coldStarts = count('faas.coldstarts', '{coldstart}', 'Number of invocation cold starts');
  const invokeDuration = seconds('faas.invoke_duration', "Measures the duration of the function's logic execution");
  const initDuration = seconds('faas.init_duration', "Measures the duration of the function's initialization, such as a cold start");
  const memory = meter.createHistogram('faas.mem_usage', {
    unit: 'By',
    description: 'Distribution of max memory usage per invocation',
    valueType: ValueType.INT,
    advice: { explicitBucketBoundaries: MEMORY },
  });
  const recordUser = user?.(metrics.getMeter('orders'));
  const trigger = { 'faas.trigger': 'other' };
  let cold = true;
  return {
    invoked(i, durationS, failed) {
      recordUser?.(i);
      (failed ? errors : invocations).add(1, trigger);
      invokeDuration.record(durationS, trigger);
      if (cold) {
        coldStarts.add(1, trigger);
        initDuration.record(initS, trigger);
        cold = false;
      }
      memory.record(process.resourceUsage().maxRSS * 1024, trigger);
    },
    forceFlush: () => meterProvider.forceFlush(),
  };
}
