// The edge entry point: registers the isolate's meter provider (its one side effect), then the API.
import './edge/register-meters-at-import.ts';

export {
  createEdgeObservability,
  withObservability,
  type AnyFunction,
  type EdgeHandlerObject,
  type EdgeObservability,
  type EdgeObservabilityOptions,
  type EdgeOptionsInput,
  type EnvOf,
} from './edge/edge-observability.ts';
export { keepInvocation } from './core/sampling/keep-invocation.ts';
export type {
  ConsoleFormat,
  DeliveryMode,
  LogLevelName,
  LokiOptions,
  MetricsExporterName,
  MetricsOptions,
  ObservabilityOptions,
  OtlpCompression,
  RedactDecision,
  RedactionCandidate,
  RedactOptions,
  SamplingOptions,
  TemporalityPreference,
} from './core/config/options.ts';
export type { UrlPattern } from './core/outbound/url-patterns.ts';
export type { MessageBatchLike, ScheduledControllerLike, WaitUntilContext } from './triggers/edge/edge-types.ts';
export type { LokiFormat } from './exporters/loki/loki-encode.ts';
