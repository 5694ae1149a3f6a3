// The Lambda entry point: starts the init-log capture (its one side effect), then the API.
import './lambda/capture-init-logs-at-import.ts';

export { createLambdaObservability, withObservability, type AnyHandler, type LambdaObservability } from './lambda/lambda-observability.ts';
export { forEachRecord, type BatchItemFailure, type BatchResponse } from './lambda/for-each-record.ts';
export { startPostResponseFlush } from './lambda/post-response-flush.ts';
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
export type { LambdaContext } from './lambda/lambda-types.ts';
export type { LambdaObservabilityOptions, LambdaRouteInput } from './lambda/lambda-route.ts';
export type { Telemetry } from './core/telemetry.ts';
export type { FlushSummary } from './core/flush.ts';
export type { Diagnostics } from './core/diagnostics.ts';
export type { LokiFormat } from './exporters/loki/loki-encode.ts';
export type { UrlPattern } from './core/outbound/url-patterns.ts';
export type { Env } from './core/config/env-readers.ts';
