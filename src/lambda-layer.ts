// The handler module of the Lambda layer. The layer's wrapper script (AWS_LAMBDA_EXEC_WRAPPER) points
// _HANDLER here and keeps the function's own handler setting in FAAS_OBSERVABILITY_HANDLER; this module
// loads that handler, wraps it, and exports it as `handler`. At evaluation, so a wrong handler name fails the
// init with the runtime's own error.
import { startInitCapture } from './lambda/init-capture.ts';
import { layerHandler } from './lambda/layer-handler.ts';

// Before the function's module loads: its console calls during init become records of the first flush. Not
// the meter registration of the `lambda` entry: a function that wraps itself registers its own copy's.
startInitCapture(process.env);

export const handler = await layerHandler(process.env, process.argv[1]);
