// No import side effects here: the Lambda API without the init-log capture (import `faas-observability/lambda`
// for that), and what is shared by every runtime.
export { createLambdaObservability, withObservability, type AnyHandler, type LambdaObservability } from './lambda/lambda-observability.ts';
export { forEachRecord, type BatchItemFailure, type BatchResponse } from './lambda/for-each-record.ts';
export type { ConsoleFormat, LokiOptions, ObservabilityOptions, OtlpCompression } from './core/config/options.ts';
export type { LambdaContext } from './lambda/lambda-types.ts';
export type { Telemetry } from './core/telemetry.ts';
export type { FlushSummary } from './core/flush.ts';
export type { Diagnostics } from './core/diagnostics.ts';
export type { LokiFormat } from './exporters/loki/loki-encode.ts';
export { resolveConfig } from './core/config/resolve-config.ts';
export { DEFAULTS, type Defaults, type RuntimeDefaults } from './core/config/defaults.ts';
export type {
  BatchConfig,
  LokiConfig,
  OutboundConfig,
  PropagatorName,
  RequestLimits,
  ResolvedConfig,
  SamplerName,
  SignalConfig,
} from './core/config/resolved-config.ts';
export type { UrlPattern } from './core/outbound/url-patterns.ts';
export type { PropagationLists } from './core/outbound/propagation-policy.ts';
export { CONFIG_REFERENCE, type ConfigEntry } from './core/config/config-reference.ts';
export type { Env } from './core/config/env-readers.ts';
export { formatArgs } from './console/format-args.ts';
