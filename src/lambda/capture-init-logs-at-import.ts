// The import side effects of the Lambda entry point (declared in package.json `sideEffects`), from the moment
// `faas-observability/lambda` is imported (imports run before the module's own code): console calls made while
// the handler module initialises are captured, then handed to the first setup; and the process's meter
// provider is registered, so the instruments user code creates at module scope record from the start.
import { registerProcessMeterProvider } from '../core/metrics/process-meters.ts';
import { startInitCapture } from './init-capture.ts';

startInitCapture(process.env);
registerProcessMeterProvider(process.env);
