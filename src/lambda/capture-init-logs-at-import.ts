// The one import side effect of the package (declared in package.json `sideEffects`): on Lambda, console
// calls made while the handler module initialises are captured from the moment `faas-observability/lambda`
// is imported (imports run before the module's own code), then handed to the first setup.
import { startInitCapture } from './init-capture.ts';

startInitCapture(process.env);
