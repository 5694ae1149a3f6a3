export { withObservability, type AnyFunction, type EdgeObservabilityOptions, type EdgeOptionsInput } from './edge/edge-observability.ts';
export type { ConsoleFormat, LokiOptions, ObservabilityOptions } from './core/config/options.ts';
export type { WaitUntilContext } from './triggers/edge/edge-types.ts';
export type { LokiFormat } from './exporters/loki/loki-encode.ts';
