import { readEnum, readNumber, readString, type Env, type Warn } from './env-readers.ts';
import { TEMPORALITY_PREFERENCES, type MetricsExporterName, type ObservabilityOptions, type TemporalityPreference } from './options.ts';
import type { MetricsConfig } from './resolved-config.ts';
import { DEFAULT_CARDINALITY_LIMIT } from './defaults.ts';

const EXPORTERS = ['otlp', 'emf', 'none'] as const;

/**
 * The metrics settings but their endpoint: `options.metrics` (`false` turns metrics off), then
 * `OTEL_METRICS_EXPORTER` (`otlp`, `emf`, `none`), `OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`,
 * `FAAS_OBSERVABILITY_METRICS_CARDINALITY_LIMIT` and `FAAS_OBSERVABILITY_METRICS_NAMESPACE`.
 */
export function readMetrics(
  options: ObservabilityOptions,
  env: Env,
  warn: Warn,
  serviceName: string | undefined,
): Omit<MetricsConfig, 'otlp'> {
  const given = options.metrics;
  const exporterName = given === false ? 'none' : (given?.exporter ?? readEnum(env, 'OTEL_METRICS_EXPORTER', EXPORTERS, 'otlp', warn));
  if (!(EXPORTERS as readonly string[]).includes(exporterName))
    warn(`option metrics.exporter="${String(exporterName)}" is not otlp or emf; using otlp`);
  const exporter: MetricsExporterName = exporterName === 'emf' ? 'emf' : 'otlp';
  const temporality =
    optionOrEnv(given ? given.temporality : undefined, TEMPORALITY_PREFERENCES, 'metrics.temporality', warn) ??
    readEnum(env, 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', TEMPORALITY_PREFERENCES, 'delta', warn);
  const limitRule = { min: 2, integer: true };
  const optionLimit = given ? given.cardinalityLimit : undefined;
  const validLimit = typeof optionLimit === 'number' && Number.isInteger(optionLimit) && optionLimit >= 2;
  if (optionLimit !== undefined && !validLimit)
    warn(`option metrics.cardinalityLimit=${String(optionLimit)} is not an integer of 2 or more; ignoring it`);
  return Object.freeze({
    enabled: exporterName !== 'none',
    exporter,
    temporality,
    cardinalityLimit: validLimit
      ? optionLimit
      : readNumber(env, 'FAAS_OBSERVABILITY_METRICS_CARDINALITY_LIMIT', DEFAULT_CARDINALITY_LIMIT, warn, limitRule),
    namespace:
      (given && typeof given.namespace === 'string' && given.namespace) ||
      readString(env, 'FAAS_OBSERVABILITY_METRICS_NAMESPACE') ||
      serviceName,
  });
}

function optionOrEnv<T extends string>(value: T | undefined, allowed: readonly T[], name: string, warn: Warn): T | undefined {
  if (value === undefined) return undefined;
  if (allowed.includes(value)) return value;
  warn(`option ${name}="${String(value)}" is not one of ${allowed.join(', ')}; ignoring it`);
  return undefined;
}

export type { TemporalityPreference };
