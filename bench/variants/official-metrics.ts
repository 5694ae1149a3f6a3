// The official setup plus the official metrics stack a user would write: a MeterProvider with a
// PeriodicExportingMetricReader and the official OTLP proto metrics exporter (delta temporality), flushed
// with the traces and logs after each invocation. The same instruments as ours records: the FaaS metrics
// (faas-metrics.ts's seven: what ours records per invocation, recorded alike) and, with BENCH_METERS=user,
// the 10 user instruments of user-meters.ts besides them.
import { ValueType, metrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { officialHandler, resource } from './official-handler.ts';
import { userMeters } from './user-meters.ts';

const initS = performance.now() / 1000;
const meterProvider = new MeterProvider({
  resource,
  readers: [
    new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ temporalityPreference: AggregationTemporality.DELTA }) }),
  ],
});
metrics.setGlobalMeterProvider(meterProvider);

// The semantic conventions' FaaS metrics, as src/core/metrics/faas-metrics.ts creates them.
const meter = meterProvider.getMeter('faas');
const DURATION = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const MEMORY = [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 10240].map((mib) => mib * 1024 * 1024);
const count = (name: string, unit: string, description: string) =>
  meter.createCounter(name, { unit, description, valueType: ValueType.INT });
const seconds = (name: string, description: string) =>
  meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: DURATION } });
const invocations = count('faas.invocations', '{invocation}', 'Number of successful invocations');
count('faas.errors', '{error}', 'Number of invocation errors');
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
const recordUser = process.env.BENCH_METERS === 'user' ? userMeters(metrics.getMeter('orders')) : undefined;
const trigger = { 'faas.trigger': 'other' };
let cold = true;

export const handler = officialHandler({
  invoked(i, durationS) {
    recordUser?.(i);
    invocations.add(1, trigger);
    invokeDuration.record(durationS, trigger);
    if (cold) {
      coldStarts.add(1, trigger);
      initDuration.record(initS, trigger);
      cold = false;
    }
    memory.record(process.resourceUsage().maxRSS * 1024, trigger);
  },
  forceFlush: () => meterProvider.forceFlush(),
});
