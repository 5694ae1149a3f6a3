import { DiagLogLevel } from '@opentelemetry/api';
import type { LokiFormat } from '../../exporters/loki/loki-encode.ts';
import { MIB, type Defaults } from './defaults.ts';
import { readBoolean, readEnum, readList, readNumber, readString, type Env, type Warn } from './env-readers.ts';
import type { UrlPattern } from '../outbound/url-patterns.ts';
import type { ObservabilityOptions } from './options.ts';
import { NON_NEGATIVE_MS, readUrl, type OptionReader } from './read-values.ts';
import type { BatchConfig, LokiConfig, OutboundConfig, PropagatorName, SamplerName } from './resolved-config.ts';

export const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
export const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'xray', 'none'];
export const LOG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

/**
 * The Loki fallback from `options.loki` or `FAAS_OBSERVABILITY_LOKI_*`, without its timeout: that is the
 * share of the flush budget the OTLP logs timeout leaves (`splitFlushBudget`).
 */
export function readLoki(
  options: ObservabilityOptions,
  env: Env,
  warn: Warn,
  option: OptionReader,
): Omit<LokiConfig, 'timeoutMs'> | undefined {
  const url = options.loki ? option.url(options.loki.url, 'loki.url') : readUrl(env, 'FAAS_OBSERVABILITY_LOKI_URL', warn);
  if (url === undefined) return undefined;
  const from = options.loki ?? {
    url,
    tenant: readString(env, 'FAAS_OBSERVABILITY_LOKI_TENANT'),
    username: readString(env, 'FAAS_OBSERVABILITY_LOKI_USERNAME'),
    password: readString(env, 'FAAS_OBSERVABILITY_LOKI_PASSWORD'),
    bearerToken: readString(env, 'FAAS_OBSERVABILITY_LOKI_BEARER_TOKEN'),
  };
  const format =
    options.loki?.format ?? readEnum<LokiFormat>(env, 'FAAS_OBSERVABILITY_LOKI_FORMAT', ['json', 'json-gzip', 'protobuf'], 'json', warn);
  if (!['json', 'json-gzip', 'protobuf'].includes(format))
    warn(`option loki.format="${String(format)}" is not one of json, json-gzip, protobuf; using json`);
  return { ...from, url, format: ['json', 'json-gzip', 'protobuf'].includes(format) ? format : 'json' };
}

export function readBatch(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP', warn: Warn, defaults: Defaults): BatchConfig {
  const noLimit = (message: string) => warn(message.replace('the default Infinity', 'no limit'));
  const maxQueueSize = readNumber(env, `${prefix}_MAX_QUEUE_SIZE`, Number.POSITIVE_INFINITY, noLimit, { min: 1, integer: true });
  let maxExportBatchSize = readNumber(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`, defaults.maxExportBatchSize, warn, { min: 1, integer: true });
  if (maxExportBatchSize > maxQueueSize) {
    warn(`${prefix}_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is above ${prefix}_MAX_QUEUE_SIZE=${maxQueueSize}; using ${maxQueueSize}`);
    maxExportBatchSize = maxQueueSize;
  }
  if (readString(env, `${prefix}_EXPORT_TIMEOUT`) !== undefined) {
    warn(`${prefix}_EXPORT_TIMEOUT is not used: the flush budget (FAAS_OBSERVABILITY_FLUSH_BUDGET_MS) bounds every export`);
  }
  return {
    maxQueueSize,
    maxExportBatchSize,
    scheduledDelayMs: readNumber(env, `${prefix}_SCHEDULE_DELAY`, defaults.scheduledDelayMs, warn, NON_NEGATIVE_MS),
  };
}

/**
 * The memory cap's default: the runtime's, or on Lambda an eighth of the function's memory when that is
 * more (16 MiB in a 128 MB function), at most 256 MiB.
 */
export function maxBufferBytesFor(env: Env, defaults: Defaults, warn: Warn): number {
  const memoryMb = readNumber(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 0, warn, { min: 0 });
  return Math.min(256 * MIB, Math.max(defaults.maxBufferBytes, Math.floor((memoryMb * MIB) / 8)));
}

export function readPropagators(env: Env, warn: Warn): PropagatorName[] {
  const value = readString(env, 'OTEL_PROPAGATORS');
  if (value === undefined) return ['tracecontext', 'baggage'];
  const names: PropagatorName[] = [];
  for (const name of value
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter(Boolean)) {
    if ((PROPAGATORS as readonly string[]).includes(name)) names.push(name as PropagatorName);
    else warn(`OTEL_PROPAGATORS entry "${name}" is not supported (${PROPAGATORS.join(', ')}); skipping it`);
  }
  return names.includes('none') ? [] : names;
}

/**
 * Outbound CLIENT spans (`outbound` / `FAAS_OBSERVABILITY_OUTBOUND`) and the propagation lists
 * (`propagateUrls` / `FAAS_OBSERVABILITY_PROPAGATE_URLS`, `dontPropagateUrls` /
 * `FAAS_OBSERVABILITY_DONT_PROPAGATE_URLS`, comma-separated). A list option replaces its variable.
 */
export function readOutbound(options: ObservabilityOptions, env: Env, warn: Warn): OutboundConfig {
  const list = (name: 'propagateUrls' | 'dontPropagateUrls', key: string): readonly UrlPattern[] => {
    const given = options[name];
    if (given === undefined) return Object.freeze(readList(env, key));
    const valid = Array.isArray(given) ? given.filter((p) => typeof p === 'string' || p instanceof RegExp) : [];
    if (!Array.isArray(given) || valid.length !== given.length)
      warn(`option ${name} must be a list of strings and RegExps; ignoring the other entries`);
    return Object.freeze(valid);
  };
  return Object.freeze({
    enabled: options.outbound ?? readBoolean(env, 'FAAS_OBSERVABILITY_OUTBOUND', true, warn),
    propagateUrls: list('propagateUrls', 'FAAS_OBSERVABILITY_PROPAGATE_URLS'),
    dontPropagateUrls: list('dontPropagateUrls', 'FAAS_OBSERVABILITY_DONT_PROPAGATE_URLS'),
  });
}
