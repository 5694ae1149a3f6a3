import type { DiagLogLevel, Attributes, SeverityNumber } from '@opentelemetry/api';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LokiFallback } from '../../exporters/loki/loki-fallback.ts';
import type { RequestSigner } from '../../exporters/transport/transport.ts';
import type { LokiFormat } from '../../exporters/loki/loki-encode.ts';
import type { PropagationLists } from '../outbound/propagation-policy.ts';
import type { ConsoleFormat, LokiOptions, MetricsExporterName, OtlpCompression, RedactDecision, TemporalityPreference } from './options.ts';

export interface SignalConfig {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  /** One export, retries included: this signal's share of the flush budget (`splitFlushBudget`). */
  readonly timeoutMs: number;
  /** `gzip` where the runtime gives the exporter a compressor (Lambda: node:zlib, edge: CompressionStream); otherwise sent as is. */
  readonly compression: OtlpCompression;
  /** Request limits of the endpoint (AWS's OTLP endpoints have some); none for a collector. */
  readonly limits: RequestLimits;
}

export interface RequestLimits {
  readonly maxRequestBytes?: number;
  readonly maxItemsPerRequest?: number;
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
  /** One push, retries included: what the flush budget leaves after the OTLP logs timeout. */
  readonly timeoutMs: number;
}

export interface MetricsConfig {
  /** False with `OTEL_METRICS_EXPORTER=none` or `metrics: false`: nothing is recorded or collected. */
  readonly enabled: boolean;
  readonly exporter: MetricsExporterName;
  readonly otlp: SignalConfig;
  readonly temporality: TemporalityPreference;
  readonly cardinalityLimit: number;
  /** The CloudWatch namespace of EMF lines; undefined: the resource's `service.name`. */
  readonly namespace: string | undefined;
}

/** Tail sampling's rules (present only when it is on). */
export interface SamplingConfig {
  readonly keepFailed: boolean;
  /** Keep an invocation that logged at or above this severity; undefined: no such rule. */
  readonly keepSeverity: SeverityNumber | undefined;
  readonly keepSlowerThanMs: number | undefined;
  /** Records below it are exported only with a failed invocation; undefined: every record with its invocation. */
  readonly exportSeverity: SeverityNumber | undefined;
}

/** Redaction as resolved from the options and the environment (present only when it is on). */
export interface RedactionConfig {
  /** The key names whose values are secrets: the defaults, the user's, or both. */
  readonly keys: readonly string[];
  /** Whether the built-in credential shapes are searched. */
  readonly defaultPatterns: boolean;
  /** The user's patterns, each with the `g` flag: every match is replaced. */
  readonly patterns: readonly RegExp[];
  readonly replacement: string;
  /** Whether the line a console call prints is redacted too (its record always is). */
  readonly stdout: boolean;
  readonly decide: RedactDecision | undefined;
}

/** Batched delivery: how long a record may wait while invocations keep coming. */
export interface BatchingConfig {
  readonly maxAgeMs: number;
}

/** Outbound requests: CLIENT spans, and where the trace context goes. */
export interface OutboundConfig extends PropagationLists {
  readonly enabled: boolean;
}

/** Objects passed in the options and used as given: there is nothing to resolve in them. */
export interface ProvidedParts {
  readonly sampler?: Sampler;
  readonly spanExporter?: SpanExporter;
  readonly logExporter?: LogRecordExporter;
  readonly requestSigner?: RequestSigner;
  readonly lokiFallback?: LokiFallback;
}

/** Everything past `resolveConfig` reads: the options and the environment are not read again. */
export interface ResolvedConfig {
  readonly disabled: boolean;
  readonly serviceName: string | undefined;
  readonly resourceAttributes: Readonly<Attributes>;
  readonly traces: SignalConfig;
  readonly logs: SignalConfig;
  readonly metrics: MetricsConfig;
  readonly sampler: { readonly name: SamplerName; readonly ratio: number };
  /** Tail sampling per invocation; undefined when off (the default). */
  readonly sampling: SamplingConfig | undefined;
  /** Redaction of what is exported; undefined when off. */
  readonly redaction: RedactionConfig | undefined;
  readonly spanBatch: BatchConfig;
  readonly logBatch: BatchConfig;
  readonly logLevel: DiagLogLevel;
  readonly propagators: readonly PropagatorName[];
  readonly xray: boolean;
  readonly flushBudgetMs: number;
  readonly flushMarginMs: number;
  readonly timeoutSafetyMs: number;
  /** Lambda: flush after the response through an internal extension (where it can work). */
  readonly postResponseFlush: boolean;
  /** Batched delivery across invocations (Lambda with the flush after the response); undefined: per invocation. */
  readonly batching: BatchingConfig | undefined;
  /** Bytes of spans and log records held in memory at most; past it records go straight to stdout. */
  readonly maxBufferBytes: number;
  readonly captureConsole: boolean;
  readonly consoleFormat: ConsoleFormat;
  /** Console calls below this severity are neither exported nor printed (`AWS_LAMBDA_LOG_LEVEL`). */
  readonly consoleMinSeverity: SeverityNumber;
  readonly maxLogBodyLength: number;
  readonly registerGlobals: boolean;
  readonly outbound: OutboundConfig;
  readonly loki: LokiConfig | undefined;
  readonly stdoutFallback: boolean;
  readonly circuitBackoffMs: number;
  /** The sampler, exporters, request signer and Loki code passed in the options. */
  readonly provided: ProvidedParts;
  /** Problems found while resolving, one clear sentence each; printed once by the caller. */
  readonly warnings: readonly string[];
}
