export { createLambdaObservability, withObservability, type LambdaObservability } from './wrapper/lambda-handler.ts';
export type { ConsoleFormat, ObservabilityOptions } from './wrapper/options.ts';
export type { LambdaContext } from './wrapper/runtime/lambda-types.ts';
