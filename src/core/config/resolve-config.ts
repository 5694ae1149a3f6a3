import { DiagLogLevel } from '@opentelemetry/api';
import { BASE_DEFAULTS, type RuntimeDefaults } from './defaults.ts';
import { readBoolean, readEnum, readKeyValueList, readNumber, readOptionalNumber, readString, type Env, type Warn } from './env-readers.ts';
import { splitFlushBudget, type RequestedTimeout } from './flush-split.ts';
import { awsEndpointProblems, requestLimitsFor } from './aws-endpoints.ts';
import { baseEndpoint } from './base-endpoint.ts';
import { readConsoleControls, type ConsoleControls } from './console-controls.ts';
import { readHeaders, validHeaders } from './read-headers.ts';
import { OTLP_COMPRESSIONS, type ObservabilityOptions } from './options.ts';
import { readMetrics } from './read-metrics.ts';
import { readSampling } from './read-sampling.ts';
import { readRedaction } from './read-redaction.ts';
import { BATCHED_FLUSH_BUDGET_MS, readBatching } from './read-batching.ts';
import { LOG_LEVELS, SAMPLERS, maxBufferBytesFor, readBatch, readLoki, readOutbound, readPropagators } from './read-sections.ts';
import { BUFFER_BYTES, NON_NEGATIVE_MS, POSITIVE_MS, joinPath, optionReader, readUrl, type OptionReader } from './read-values.ts';
import type { ProvidedParts, ResolvedConfig, SignalConfig } from './resolved-config.ts';

export type {
  BatchConfig,
  LokiConfig,
  OutboundConfig,
  PropagatorName,
  ProvidedParts,
  ResolvedConfig,
  SamplerName,
  SignalConfig,
} from './resolved-config.ts';

/**
 * Resolves the configuration once per cold start. Precedence, highest first:
 * 1. the options object passed to `withObservability`;
 * 2. the standard `OTEL_*` environment variables (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and
 *    `..._LOGS_ENDPOINT` used verbatim, `OTEL_EXPORTER_OTLP_ENDPOINT` with `/v1/<signal>` appended, after
 *    removing a `/v1/<signal>` it already ends in, with a warning),
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

  const signal = signalReader(options, env, warn, option, DEFAULTS.endpoint);
  const propagators = readPropagators(env, warn);
  const postResponseFlush = options.postResponseFlush ?? readBoolean(env, 'FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH', true, warn);
  const batching = readBatching(options, env, warn, postResponseFlush);
  // Resolved once: it bounds every flush, and every export timeout is a share of it (flush-split.ts). Batched
  // on Lambda, a slow collector's time is billed once per batch, not once per invocation: a longer default
  // delivers to a collector that answers in seconds instead of opening the breaker and writing to stdout.
  const defaultBudgetMs = batching && runtimeDefaults.flushBudgetMs === undefined ? BATCHED_FLUSH_BUDGET_MS : DEFAULTS.flushBudgetMs;
  const flushBudgetMs =
    option.number('flushBudgetMs', options.flushBudgetMs, POSITIVE_MS) ??
    readNumber(env, 'FAAS_OBSERVABILITY_FLUSH_BUDGET_MS', defaultBudgetMs, warn, POSITIVE_MS);
  const lokiSettings = readLoki(options, env, warn, option);
  const logSignal = signal('LOGS', options.logsEndpoint);
  const traceSignal = signal('TRACES', options.tracesEndpoint);
  const metricSignal = signal('METRICS', options.metricsEndpoint);
  const split = splitFlushBudget(
    flushBudgetMs,
    { traces: traceSignal.requested, logs: logSignal.requested, metrics: metricSignal.requested },
    lokiSettings !== undefined,
    warn,
  );
  const logs = withLimits(logSignal.settings, split.logsMs);
  const traces = withLimits(traceSignal.settings, split.tracesMs);
  const serviceName = options.serviceName ?? readString(env, 'OTEL_SERVICE_NAME');
  const metricsOtlp = withLimits(metricSignal.settings, split.metricsMs);
  awsEndpointProblems(traces, logs, options, metricsOtlp).forEach(warn);

  return Object.freeze({
    disabled: readBoolean(env, 'OTEL_SDK_DISABLED', false, warn),
    serviceName,
    resourceAttributes: Object.freeze({ ...readKeyValueList(env, 'OTEL_RESOURCE_ATTRIBUTES', warn), ...options.resourceAttributes }),
    traces,
    logs,
    metrics: Object.freeze({ ...readMetrics(options, env, warn, serviceName), otlp: metricsOtlp }),
    sampler: {
      name: readEnum(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on', warn),
      ratio: readNumber(env, 'OTEL_TRACES_SAMPLER_ARG', 1, warn, { min: 0, max: 1 }),
    },
    sampling: readSampling(options, env, warn),
    redaction: readRedaction(options, env, warn),
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
    postResponseFlush,
    batching,
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
    loki: lokiSettings && Object.freeze({ ...lokiSettings, timeoutMs: split.lokiMs ?? 0 }),
    stdoutFallback: options.stdoutFallback ?? readBoolean(env, 'FAAS_OBSERVABILITY_STDOUT_FALLBACK', true, warn),
    circuitBackoffMs:
      option.number('circuitBackoffMs', options.circuitBackoffMs, POSITIVE_MS) ??
      readNumber(env, 'FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS', DEFAULTS.circuitBackoffMs, warn, POSITIVE_MS),
    provided: providedParts(options),
    // A value read for two signals (a shared key) is reported once.
    warnings: Object.freeze([...new Set(warnings)]),
  });
}

function consoleSettings(controls: ConsoleControls) {
  return { consoleFormat: controls.format, consoleMinSeverity: controls.minSeverity };
}

/** The objects passed in the options, used as given: past the resolver nothing reads the options. */
function providedParts(options: ObservabilityOptions): ProvidedParts {
  const { sampler, spanExporter, logExporter, requestSigner, lokiFallback } = options;
  return Object.freeze({ sampler, spanExporter, logExporter, requestSigner, lokiFallback });
}

type SignalName = 'TRACES' | 'LOGS' | 'METRICS';

const TIMEOUT_INSTEAD = 'ignoring it (the timeout is a share of the flush budget)';

/**
 * Reads one signal's endpoint, headers, compression and requested timeout: the option, then
 * `OTEL_EXPORTER_OTLP_<SIGNAL>_*`, then the shared `OTEL_EXPORTER_OTLP_*` (the base endpoint with
 * `/v1/<signal>` appended). Values shared by both signals are read (and reported) once.
 */
function signalReader(options: ObservabilityOptions, env: Env, warn: Warn, option: OptionReader, defaultEndpoint: string) {
  const optionTimeout = option.number('exportTimeoutMs', options.exportTimeoutMs, POSITIVE_MS);
  const sharedTimeout = readOptionalNumber(env, 'OTEL_EXPORTER_OTLP_TIMEOUT', warn, POSITIVE_MS, TIMEOUT_INSTEAD);
  const sharedHeaders = readHeaders(env, 'OTEL_EXPORTER_OTLP_HEADERS', warn);
  const optionHeaders = options.headers && validHeaders(options.headers, 'option headers', warn);
  const optionCompression = option.compression(options.compression);
  const compression = readEnum(env, 'OTEL_EXPORTER_OTLP_COMPRESSION', OTLP_COMPRESSIONS, 'none', warn);
  const fromOption = option.url(options.endpoint, 'endpoint');
  const given = fromOption ?? readUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT', warn);
  const base = given === undefined ? { url: defaultEndpoint } : baseEndpoint(given, fromOption !== undefined);
  const fromBase = (name: SignalName) => {
    if (base.warning) warn(base.warning); // once (warnings are deduplicated), and only when a signal uses the base
    return joinPath(base.url, `v1/${name.toLowerCase()}`);
  };
  const requestedTimeout = (name: SignalName): RequestedTimeout | undefined => {
    if (optionTimeout !== undefined) return { ms: optionTimeout, key: 'option exportTimeoutMs' };
    const key = `OTEL_EXPORTER_OTLP_${name}_TIMEOUT`;
    const own = readOptionalNumber(env, key, warn, POSITIVE_MS, TIMEOUT_INSTEAD);
    if (own !== undefined) return { ms: own, key };
    return sharedTimeout === undefined ? undefined : { ms: sharedTimeout, key: 'OTEL_EXPORTER_OTLP_TIMEOUT' };
  };
  return (name: SignalName, optionUrl: string | undefined) => ({
    settings: {
      url:
        option.url(optionUrl, `${name.toLowerCase()}Endpoint`) ??
        readUrl(env, `OTEL_EXPORTER_OTLP_${name}_ENDPOINT`, warn) ??
        fromBase(name),
      headers: { ...sharedHeaders, ...readHeaders(env, `OTEL_EXPORTER_OTLP_${name}_HEADERS`, warn), ...optionHeaders },
      compression: optionCompression ?? readEnum(env, `OTEL_EXPORTER_OTLP_${name}_COMPRESSION`, OTLP_COMPRESSIONS, compression, warn),
    },
    requested: requestedTimeout(name),
  });
}

function withLimits(signal: Omit<SignalConfig, 'limits' | 'timeoutMs'>, timeoutMs: number): SignalConfig {
  return { ...signal, timeoutMs, limits: requestLimitsFor(signal.url) };
}
