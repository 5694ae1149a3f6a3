// The import side effect of the edge entry point (declared in package.json `sideEffects`): the isolate's meter
// provider is registered with the OpenTelemetry API when `faas-observability/edge` is imported, so the
// instruments a Worker creates at module scope (above `withObservability(...)`) record from the start. The
// Worker's env arrives with the first request: `metrics: false` there stops the collection, not this.
import { registerProcessMeterProvider } from '../core/metrics/process-meters.ts';

registerProcessMeterProvider({});
