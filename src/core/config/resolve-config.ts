import { DiagLogLevel, type Attributes } from '@opentelemetry/api';
import type { LokiFormat } from '../../exporters/loki/loki-encode.ts';
import type { ConsoleFormat, LokiOptions, ObservabilityOptions } from './options.ts';
import {
  numberProblem,
  readBoolean,
  readEnum,
  readKeyValueList,
  readNumber,
  readString,
  type Env,
  type NumberRule,
  type Warn,
} from './env-readers.ts';

export interface SignalConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

export interface BatchConfig {
  /** Records held (queued or in flight) before more go straight to stdout; no limit unless set. */
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
}

export type SamplerName =
  'always_on' | 'always_off' | 'traceidratio' | 'parentbased_always_on' | 'parentbased_always_off' | 'parentbased_traceidratio';

export type PropagatorName = 'tracecontext' | 'baggage' | 'xray' | 'none';

export interface LokiConfig extends LokiOptions {
  readonly format: LokiFormat;
  readonly timeoutMs: number;
}

export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string | undefined;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly traces: SignalConfig;
  readonly logs: SignalConfig;
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  readonly spanBatch: BatchConfig;
  readonly logBatch: BatchConfig;
  readonly logLevel: DiagLogLevel;
  readonly propagators: readonly PropagatorName[];
  readonly xray: boolean;
  readonly flushBudgetMs: number;
  readonly flushMarginMs: number;
  readonly timeoutSafetyMs: number;
  /** Bytes of spans and log records held in memory at most; past it records go straight to stdout. */
  readonly maxBufferBytes: number;
  readonly captureConsole: boolean;
  readonly consoleFormat: ConsoleFormat;
  readonly maxLogBodyLength: number;
  readonly registerGlobals: boolean;
  readonly loki: LokiConfig | undefined;
  readonly stdoutFallback: boolean;
  readonly circuitBackoffMs: number;
  /** Problems found while resolving, one clear sentence each; printed once by the caller. */
  readonly warnings: readonly string[];
}

/** The serverless defaults (Lambda); edge runtimes override some through `RuntimeDefaults`. */
export interface Defaults {
  readonly endpoint: string;
  readonly exportTimeoutMs: number;
  readonly flushBudgetMs: number;
  readonly flushMarginMs: number;
  readonly timeoutSafetyMs: number;
  readonly maxBufferBytes: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly maxLogBodyLength: number;
  readonly consoleFormat: ConsoleFormat;
  readonly circuitBackoffMs: number;
}

const MIB = 1024 * 1024;

/** Serverless defaults: short delays and timeouts, because every wait is billed and the freeze is near. */
const BASE_DEFAULTS: Defaults = {
  endpoint: 'http://localhost:4318',
  // Half the flush budget: a collector that hangs leaves the other half to the Loki fallback.
  exportTimeoutMs: 450,
  flushBudgetMs: 1000,
  flushMarginMs: 50,
  timeoutSafetyMs: 500,
  // Safe in a 128 MB function; on Lambda the default grows with the memory size (see maxBufferBytesFor).
  maxBufferBytes: 16 * MIB,
  maxExportBatchSize: 512,
  // Exports happen in the flush before each response; the timer only matters for long invocations.
  scheduledDelayMs: 1000,
  maxLogBodyLength: 16 * 1024,
  consoleFormat: 'text',
  circuitBackoffMs: 5000,
};
export const DEFAULTS: Defaults = BASE_DEFAULTS;

/**
 * Defaults a runtime changes: on the edge the flush runs in `waitUntil` after the response, so it can
 * afford longer timeouts than on Lambda, where every millisecond of flush delays the response.
 */
export interface RuntimeDefaults {
  readonly exportTimeoutMs?: number;
  readonly flushBudgetMs?: number;
  readonly maxBufferBytes?: number;
}

const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'xray', 'none'];
const LOG_LEVELS: Record<string, DiagLogLevel> = {
  none: DiagLogLevel.NONE,
  error: DiagLogLevel.ERROR,
  warn: DiagLogLevel.WARN,
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};
const POSITIVE_MS: NumberRule = { min: 1, max: 900_000 };
const NON_NEGATIVE_MS: NumberRule = { min: 0, max: 900_000 };
const BUFFER_BYTES: NumberRule = { min: 64 * 1024, integer: true };

/**
 * Resolves the configuration once per cold start. Precedence, highest first:
 * 1. the options object passed to `withObservability`;
 * 2. the standard `OTEL_*` environment variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and
 *    `..._LOGS_ENDPOINT` used verbatim, `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/<signal>` appended),
 *    then `FAAS_OBSERVABILITY_*` for settings OpenTelemetry has no variable for;
 * 3. the serverless defaults in `DEFAULTS`.
 * Pure: reads only its arguments. Bad values fall back to the default with one warning naming the key.
 *
 * @example
 * const config = resolveConfig({ serviceName: 'api' }, process.env);
 */
export function resolveConfig(options: ObservabilityOptions, env: Env, runtimeDefaults: RuntimeDefaults = {}): ResolvedConfig {
  const DEFAULTS = { ...BASE_DEFAULTS, ...runtimeDefaults };
  const warnings: string[] = [];
  const warn: Warn = (message) => warnings.push(message);
  const option = optionReader(warn);

  const exportTimeout = readNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', DEFAULTS.exportTimeoutMs, warn, POSITIVE_MS);
  const sharedHeaders = readKeyValueList(env, 'OTEL_EXPORTER_OTLP_HEADERS', warn);
  const baseUrl = option.url(options.endpoint, 'endpoint') ?? readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', warn) ?? DEFAULTS.endpoint;
  const signal = (name: 'TRACES' | 'LOGS', optionUrl: string | undefined): SignalConfig => ({
    url:
      option.url(optionUrl, `${name.toLowerCase()}Endpoint`) ??
      readUrl(env, `OTEL_EXPORTER_OTLP_${name}_ENDPOINT`, warn) ??
      joinPath(baseUrl, `v1/${name.toLowerCase()}`),
    headers: { ...sharedHeaders, ...readKeyValueList(env, `OTEL_EXPORTER_OTLP_${name}_HEADERS`, warn), ...options.headers },
    timeoutMs:
      option.number('exportTimeoutMs', options.exportTimeoutMs, POSITIVE_MS) ??
      readNumber(env, `OTEL_EXPORTER_OTLP_${name}_TIMEOUT`, exportTimeout, warn, POSITIVE_MS),
  });
  const propagators = readPropagators(env, warn);
  // Resolved once: it bounds every flush, and the Loki fallback's timeout is what it leaves after OTLP's.
  const flushBudgetMs =
    option.number('flushBudgetMs', options.flushBudgetMs, POSITIVE_MS) ??
    readNumber(env, 'FAAS_OBSERVABILITY_FLUSH_BUDGET_MS', DEFAULTS.flushBudgetMs, warn, POSITIVE_MS);
  const logs = signal('LOGS', options.logsEndpoint);

  return Object.freeze({
    disabled: readBoolean(env, 'OTEL_SDK_DISABLED', false, warn),
    serviceName: options.serviceName ?? readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: Object.freeze({ ...readKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES', warn), ...options.resourceAttributes }),
    traces: signal('TRACES', options.tracesEndpoint),
    logs,
    sampler: {
      name: readEnum(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on', warn),
      ratio: readNumber(env, 'OTEL_TRACES_SAMPLER_ARG', 1, warn, { min: 0, max: 1 }),
    },
    spanBatch: readBatch(env, 'OTEL_BSP', warn, DEFAULTS),
    logBatch: readBatch(env, 'OTEL_BLRP', warn, DEFAULTS),
    logLevel: LOG_LEVELS[readEnum(env, 'OTEL_LOG_LEVEL', Object.keys(LOG_LEVELS), 'info', warn)] ?? DiagLogLevel.INFO,
    propagators,
    xray: options.xray ?? (propagators.includes('xray') || readBoolean(env, 'FAAS_OBSERVABILITY_XRAY', false, warn)),
    flushBudgetMs,
    flushMarginMs: option.number('flushMarginMs', options.flushMarginMs, NON_NEGATIVE_MS) ?? DEFAULTS.flushMarginMs,
    timeoutSafetyMs:
      option.number('timeoutSafetyMs', options.timeoutSafetyMs, NON_NEGATIVE_MS) ??
      readNumber(env, 'FAAS_OBSERVABILITY_TIMEOUT_SAFETY_MS', DEFAULTS.timeoutSafetyMs, warn, NON_NEGATIVE_MS),
    maxBufferBytes:
      option.number('maxBufferBytes', options.maxBufferBytes, BUFFER_BYTES) ??
      readNumber(env, 'FAAS_OBSERVABILITY_MAX_BUFFER_BYTES', maxBufferBytesFor(env, DEFAULTS, warn), warn, BUFFER_BYTES),
    captureConsole: options.captureConsole ?? readBoolean(env, 'FAAS_OBSERVABILITY_CAPTURE_CONSOLE', true, warn),
    consoleFormat:
      option.consoleFormat(options.consoleFormat) ??
      readEnum<ConsoleFormat>(env, 'FAAS_OBSERVABILITY_CONSOLE_FORMAT', ['text', 'json', 'off'], DEFAULTS.consoleFormat, warn),
    maxLogBodyLength:
      option.number('maxLogBodyLength', options.maxLogBodyLength, { min: 64, integer: true }) ??
      readNumber(env, 'FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH', DEFAULTS.maxLogBodyLength, warn, { min: 64, integer: true }),
    registerGlobals: options.registerGlobals ?? true,
    loki: readLoki(options, env, warn, option, flushBudgetMs - logs.timeoutMs),
    stdoutFallback: options.stdoutFallback ?? readBoolean(env, 'FAAS_OBSERVABILITY_STDOUT_FALLBACK', true, warn),
    circuitBackoffMs:
      option.number('circuitBackoffMs', options.circuitBackoffMs, POSITIVE_MS) ??
      readNumber(env, 'FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS', DEFAULTS.circuitBackoffMs, warn, POSITIVE_MS),
    warnings: Object.freeze(warnings),
  });
}

/**
 * The Loki fallback from `options.loki` or `FAAS_OBSERVABILITY_LOKI_*`; its timeout is `leftMs`, what the
 * flush budget leaves after the OTLP timeout, so both fit in one flush.
 */
function readLoki(
  options: ObservabilityOptions,
  env: Env,
  warn: Warn,
  option: ReturnType<typeof optionReader>,
  leftMs: number,
): LokiConfig | undefined {
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
  return Object.freeze({
    ...from,
    url,
    format: ['json', 'json-gzip', 'protobuf'].includes(format) ? format : 'json',
    timeoutMs: Math.max(100, leftMs - 100),
  });
}

/** Validates option values the same way as env values: a bad one is reported and ignored. */
function optionReader(warn: Warn) {
  return {
    number(name: string, value: number | undefined, rule: NumberRule): number | undefined {
      if (value === undefined) return undefined;
      const problem = typeof value === 'number' ? numberProblem(value, rule) : 'is not a number';
      if (problem === undefined) return value;
      warn(`option ${name}=${String(value)} ${problem}; ignoring it`);
      return undefined;
    },
    url(value: string | undefined, name: string): string | undefined {
      if (value === undefined) return undefined;
      if (isHttpUrl(value)) return value;
      warn(`option ${name}="${redactUrl(value)}" is not an http(s) URL; ignoring it`);
      return undefined;
    },
    consoleFormat(value: ConsoleFormat | undefined): ConsoleFormat | undefined {
      if (value === undefined || value === 'text' || value === 'json' || value === 'off') return value;
      warn(`option consoleFormat="${String(value)}" is not one of text, json, off; ignoring it`);
      return undefined;
    },
  };
}

function readBatch(env: Env, prefix: 'OTEL_BSP' | 'OTEL_BLRP', warn: Warn, defaults: Defaults): BatchConfig {
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
function maxBufferBytesFor(env: Env, defaults: Defaults, warn: Warn): number {
  const memoryMb = readNumber(env, 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 0, warn, { min: 0 });
  return Math.min(256 * MIB, Math.max(defaults.maxBufferBytes, Math.floor((memoryMb * MIB) / 8)));
}

function readPropagators(env: Env, warn: Warn): PropagatorName[] {
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

function readUrl(env: Env, key: string, warn: Warn): string | undefined {
  const value = readString(env, key);
  if (value === undefined || isHttpUrl(value)) return value;
  warn(`${key}="${redactUrl(value)}" is not an http(s) URL; ignoring it (the default is ${BASE_DEFAULTS.endpoint})`);
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** URLs may carry credentials (`https://user:token@host`); print only the part before them. */
function redactUrl(value: string): string {
  return value.replace(/\/\/[^/@]*@/, '//***@').slice(0, 200);
}

function joinPath(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}
