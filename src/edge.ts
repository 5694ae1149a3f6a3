export { withObservability, type AnyFunction, type EdgeObservabilityOptions, type EdgeOptionsInput } from './wrapper/edge-handler.ts';
export type { ConsoleFormat, LokiOptions, ObservabilityOptions } from './wrapper/options.ts';
export type { WaitUntilContext } from './wrapper/runtime/edge-types.ts';
export type { LokiFormat } from './exporters/loki-encode.ts';
