import { DiagLogLevel } from '@opentelemetry/api';
import { BASE_DEFAULTS, type RuntimeDefaults } from './defaults.ts';
import { readBoolean, readEnum, readKeyValueList, readNumber, readString, type Env, type Warn } from './env-readers.ts';
import { awsEndpointProblems, requestLimitsFor } from './aws-endpoints.ts';
import { readConsoleControls, type ConsoleControls } from './console-controls.ts';
import { readHeaders, validHeaders } from './read-headers.ts';
import { OTLP_COMPRESSIONS, type ObservabilityOptions } from './options.ts';
import { LOG_LEVELS, SAMPLERS, maxBufferBytesFor, readBatch, readLoki, readOutbound, readPropagators } from './read-sections.ts';
import { BUFFER_BYTES, NON_NEGATIVE_MS, POSITIVE_MS, joinPath, optionReader, readUrl, type OptionReader } from './read-values.ts';
import type { ResolvedConfig, SignalConfig } from './resolved-config.ts';

export type {
  BatchConfig,
  LokiConfig,
  OutboundConfig,
  PropagatorName,
  ResolvedConfig,
  SamplerName,
  SignalConfig,
} from './resolved-config.ts';

/**
 * Resolves the configuration once per cold start. Precedence, highest first:
 * 1. the options object passed to `withObservability`;
 * 2. the standard `OTEL_*` environment variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and
 *    `..._LOGS_ENDPOINT` used verbatim, `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/<signal>` appended),
 *    then `FAAS_OBSERVABILITY_*` for settings OpenTelemetry has no variable for;
 * 3. the serverless defaults in `DEFAULTS`; the console line and level follow Lambda's logging controls
 *    (`AWS_LAMBDA_LOG_FORMAT`, `AWS_LAMBDA_LOG_LEVEL`) unless the console format is set explicitly.
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

  const signal = signalReader(options, env, warn, option, DEFAULTS.endpoint, DEFAULTS.exportTimeoutMs);
  const propagators = readPropagators(env, warn);
  // Resolved once: it bounds every flush, and the Loki fallback's timeout is what it leaves after OTLP's.
  const flushBudgetMs =
    option.number('flushBudgetMs', options.flushBudgetMs, POSITIVE_MS) ??
    readNumber(env, 'FAAS_OBSERVABILITY_FLUSH_BUDGET_MS', DEFAULTS.flushBudgetMs, warn, POSITIVE_MS);
  const logs = signal('LOGS', options.logsEndpoint);
  const traces = signal('TRACES', options.tracesEndpoint);
  awsEndpointProblems(traces, logs, options).forEach(warn);

  return Object.freeze({
    disabled: readBoolean(env, 'OTEL_SDK_DISABLED', false, warn),
    serviceName: options.serviceName ?? readString(env, 'OTEL_SERVICE_NAME'),
    resourceAttributes: Object.freeze({ ...readKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES', warn), ...options.resourceAttributes }),
    traces,
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
    postResponseFlush: options.postResponseFlush ?? readBoolean(env, 'FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH', true, warn),
    maxBufferBytes:
      option.number('maxBufferBytes', options.maxBufferBytes, BUFFER_BYTES) ??
      readNumber(env, 'FAAS_OBSERVABILITY_MAX_BUFFER_BYTES', maxBufferBytesFor(env, DEFAULTS, warn), warn, BUFFER_BYTES),
    captureConsole: options.captureConsole ?? readBoolean(env, 'FAAS_OBSERVABILITY_CAPTURE_CONSOLE', true, warn),
    ...consoleSettings(readConsoleControls(option.consoleFormat(options.consoleFormat), env, DEFAULTS.consoleFormat, warn)),
    maxLogBodyLength:
      option.number('maxLogBodyLength', options.maxLogBodyLength, { min: 64, integer: true }) ??
      readNumber(env, 'FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH', DEFAULTS.maxLogBodyLength, warn, { min: 64, integer: true }),
    registerGlobals: options.registerGlobals ?? true,
    outbound: readOutbound(options, env, warn),
    loki: readLoki(options, env, warn, option, flushBudgetMs - logs.timeoutMs),
    stdoutFallback: options.stdoutFallback ?? readBoolean(env, 'FAAS_OBSERVABILITY_STDOUT_FALLBACK', true, warn),
    circuitBackoffMs:
      option.number('circuitBackoffMs', options.circuitBackoffMs, POSITIVE_MS) ??
      readNumber(env, 'FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS', DEFAULTS.circuitBackoffMs, warn, POSITIVE_MS),
    warnings: Object.freeze(warnings),
  });
}

function consoleSettings(controls: ConsoleControls) {
  return { consoleFormat: controls.format, consoleMinSeverity: controls.minSeverity };
}

/**
 * Reads one signal's endpoint, headers and timeout: the option, then `OTEL_EXPORTER_OTLP_<SIGNAL>_*`, then
 * the shared `OTEL_EXPORTER_OTLP_*` (the base endpoint with `/v1/<signal>` appended).
 */
function signalReader(
  options: ObservabilityOptions,
  env: Env,
  warn: Warn,
  option: OptionReader,
  defaultEndpoint: string,
  defaultTimeoutMs: number,
) {
  const exportTimeout = readNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', defaultTimeoutMs, warn, POSITIVE_MS);
  const sharedHeaders = readHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', warn);
  const optionHeaders = options.headers && validHeaders(options.headers, 'option headers', warn);
  const compression = readEnum(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', OTLP_COMPRESSIONS, 'none', warn);
  const baseUrl = option.url(options.endpoint, 'endpoint') ?? readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', warn) ?? defaultEndpoint;
  return (name: 'TRACES' | 'LOGS', optionUrl: string | undefined): SignalConfig =>
    withLimits({
      url:
        option.url(optionUrl, `${name.toLowerCase()}Endpoint`) ??
        readUrl(env, `OTEL_EXPORTER_OTLP_${name}_ENDPOINT`, warn) ??
        joinPath(baseUrl, `v1/${name.toLowerCase()}`),
      headers: { ...sharedHeaders, ...readHeaders(env, `OTEL_EXPORTER_OTLP_${name}_HEADERS`, warn), ...optionHeaders },
      timeoutMs:
        option.number('exportTimeoutMs', options.exportTimeoutMs, POSITIVE_MS) ??
        readNumber(env, `OTEL_EXPORTER_OTLP_${name}_TIMEOUT`, exportTimeout, warn, POSITIVE_MS),
      compression:
        option.compression(options.compression) ??
        readEnum(env, `OTEL_EXPORTER_OTLP_${name}_COMPRESSION`, OTLP_COMPRESSIONS, compression, warn),
    });
}

function withLimits(signal: Omit<SignalConfig, 'limits'>): SignalConfig {
  return { ...signal, limits: requestLimitsFor(signal.url) };
}
