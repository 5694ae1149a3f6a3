export { createLambdaObservability, withObservability, type AnyHandler, type LambdaObservability } from './wrapper/lambda-handler.ts';
export type { ConsoleFormat, LokiOptions, ObservabilityOptions } from './wrapper/options.ts';
export type { LambdaContext } from './wrapper/runtime/lambda-types.ts';
export type { Telemetry } from './wrapper/telemetry.ts';
export type { FlushSummary } from './wrapper/flush.ts';
export type { Diagnostics } from './wrapper/diagnostics.ts';
export type { LokiFormat } from './exporters/loki-encode.ts';
