import type { Attributes } from '@opentelemetry/api';
import type { Sampler, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { LokiFormat } from '../../exporters/loki/loki-encode.ts';
import type { LokiFallback } from '../../exporters/loki/loki-fallback.ts';
import type { RequestSigner } from '../../exporters/transport/transport.ts';
import type { UrlPattern } from '../outbound/url-patterns.ts';

/** How OTLP request bodies are sent (`OTEL_EXPORTER_OTLP_COMPRESSION`). */
export type OtlpCompression = 'gzip' | 'none';
export const OTLP_COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];

/** Grafana Loki's push API as the fallback for logs the OTLP endpoint does not take. */
export interface LokiOptions {
  /** Loki's base URL or full push URL. */
  readonly url: string;
  /** `X-Scope-OrgID`. */
  readonly tenant?: string;
  readonly username?: string;
  readonly password?: string;
  readonly bearerToken?: string;
  readonly format?: LokiFormat;
}

/**
 * How console lines are written to stdout/stderr besides becoming log records: `text` (ids appended), `json`
 * (our JSON object), `lambda-json` (the Lambda runtime's JSON object plus `traceId`/`spanId`, the default
 * when `AWS_LAMBDA_LOG_FORMAT=JSON`), `off` (untouched).
 */
/**
 * `otlp` (default): OTLP `/v1/metrics`, with CloudWatch EMF lines on stdout (Lambda) or JSON lines (edge)
 * when that fails. `emf`: EMF lines on stdout only, no endpoint needed (CloudWatch Logs makes them metrics).
 */
export type MetricsExporterName = 'otlp' | 'emf';

/**
 * The temporality asked for (`OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`, the OTLP exporter
 * specification's table per instrument kind): `delta` (default here: one collection per invocation, no state
 * across environments), `cumulative`, or `lowmemory`.
 */
export type TemporalityPreference = 'delta' | 'cumulative' | 'lowmemory';
export const TEMPORALITY_PREFERENCES: readonly TemporalityPreference[] = ['delta', 'cumulative', 'lowmemory'];

/** Metrics settings; each has an environment variable (docs/configuration.md). */
export interface MetricsOptions {
  readonly exporter?: MetricsExporterName;
  readonly temporality?: TemporalityPreference;
  /** Series per instrument at most (default 2000); past it, measurements go to the `otel.metric.overflow` series. */
  readonly cardinalityLimit?: number;
  /** The CloudWatch namespace of EMF lines (default: the service name). */
  readonly namespace?: string;
}

/** A console level, as the sampling rules name them. */
export type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/**
 * Tail sampling: one keep decision per invocation, made after its outcome, for its spans and its logs together.
 * Off by default (every invocation exported; `OTEL_TRACES_SAMPLER` drops unsampled spans only).
 */
export interface SamplingOptions {
  /** Turns the decision after the outcome on (`FAAS_OBSERVABILITY_TAIL_SAMPLING`). */
  readonly tail?: boolean;
  /**
   * Keep an invocation that failed: threw, timed out, a 5xx, a batch item failure (default true;
   * `FAAS_OBSERVABILITY_KEEP_FAILED`).
   */
  readonly keepFailed?: boolean;
  /** Keep an invocation that logged at or above this level (default `error`; `off`: no such rule). */
  readonly keepLogLevel?: LogLevelName | 'off';
  /** Keep an invocation that ran longer than this, in ms (default: no such rule). */
  readonly keepSlowerThanMs?: number;
  /**
   * Records below this level are held and exported only when the invocation is kept because it failed
   * (default: every level is exported with its invocation). Their stdout lines are printed as always.
   */
  readonly exportLogLevel?: LogLevelName;
}

/** What a `redact.decide` function is shown for one string value. */
export interface RedactionCandidate {
  /** The attribute or property key the value stands under; undefined for a log body. */
  readonly key: string | undefined;
  readonly value: string;
  /** The value as the rules left it: the marker, partly replaced, or unchanged. */
  readonly redacted: string;
}

/** The last word on one value: the text exported in its place. */
export type RedactDecision = (candidate: RedactionCandidate) => string;

/**
 * Redaction of secrets in everything exported (on by default). Each setting has an environment variable
 * but `decide` (docs/configuration.md).
 */
export interface RedactOptions {
  /** Key names whose values are secrets, added to the default list (matched by word parts, any case). */
  readonly keys?: readonly string[];
  /** `false`: only `keys` count, the default list is dropped. */
  readonly defaultKeys?: boolean;
  /** Patterns whose every match is replaced, whatever the key; added to the built-in credential shapes. */
  readonly patterns?: readonly RegExp[];
  /** `false`: the built-in credential shapes (Bearer, Basic, JWT, AWS secret key, private key, …) are not searched. */
  readonly defaultPatterns?: boolean;
  /** What a secret is replaced with (default `[REDACTED]`). */
  readonly replacement?: string;
  /**
   * Redact the line a console call prints to stdout too (default false: that line is your own output, which
   * Lambda and the edge platforms captured before this library existed; the record made of it is always redacted).
   */
  readonly stdout?: boolean;
  /** Has the last word on every string value after the rules; a throw keeps the rules' verdict. */
  readonly decide?: RedactDecision;
}

export type ConsoleFormat = 'text' | 'json' | 'lambda-json' | 'off';

/** When records leave: with every invocation, or held across invocations and sent in batches (Lambda). */
export type DeliveryMode = 'per-invocation' | 'batched';

/**
 * Options for `withObservability`. Every field is optional; each one overrides the matching `OTEL_*`
 * environment variable, which overrides the default (see `resolveConfig`).
 *
 * @example
 * withObservability(handler, { serviceName: 'checkout', flushBudgetMs: 500, consoleFormat: 'json' });
 */
export interface ObservabilityOptions {
  /** `service.name`; default `OTEL_SERVICE_NAME`, else the Lambda function name. */
  readonly serviceName?: string;
  /** Extra resource attributes, merged over `OTEL_RESOURCE_ATTRIBUTES`. */
  readonly resourceAttributes?: Attributes;
  /** OTLP/HTTP base endpoint; `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended (a `/v1/<signal>` it ends in is removed, with a warning). */
  readonly endpoint?: string;
  /** Full traces URL, used verbatim. */
  readonly tracesEndpoint?: string;
  /** Full logs URL, used verbatim. */
  readonly logsEndpoint?: string;
  /** Full metrics URL, used verbatim. */
  readonly metricsEndpoint?: string;
  /**
   * Metrics (the built-in FaaS metrics and the meters of the OpenTelemetry metrics API), collected once per
   * flush. `false` turns them off (`OTEL_METRICS_EXPORTER=none`); see `MetricsOptions` for the rest.
   */
  readonly metrics?: false | MetricsOptions;
  /** Tail sampling per invocation; see `SamplingOptions`. */
  readonly sampling?: SamplingOptions;
  /** Redaction of secrets in everything exported, on by default; `false` turns it off. See `RedactOptions`. */
  readonly redact?: false | RedactOptions;
  /** Headers sent with every export (merged over `OTEL_EXPORTER_OTLP_HEADERS`). Never printed. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Timeout of one OTLP export, retries included, in ms. By default a share of `flushBudgetMs` (see there);
   * a value longer than that share is cut to it, with one warning.
   */
  readonly exportTimeoutMs?: number;
  /**
   * `gzip` compresses OTLP request bodies (`content-encoding: gzip`): with node:zlib on Lambda, with
   * `CompressionStream` on the edge (a runtime without it sends them as is). Default `none`.
   */
  readonly compression?: OtlpCompression;
  /**
   * Upper bound of one invocation's flush, in ms (default 1000; edge: 10000). Every export fits in it:
   * a reserve of a tenth (at most 50 ms) is kept for encoding and the stdout fallback; traces get the rest
   * as their OTLP timeout; logs too, or — with `loki` — half of it for OTLP and the other half for the Loki
   * push that follows a failed OTLP export. Each timeout includes its retries. With 500: traces 450 ms,
   * logs 450 ms, or 225 ms OTLP + 225 ms Loki.
   */
  readonly flushBudgetMs?: number;
  /** Time kept free before the Lambda deadline when bounding the flush, in ms. */
  readonly flushMarginMs?: number;
  /** How long before the Lambda deadline the span is ended as timed out and flushed, in ms. */
  readonly timeoutSafetyMs?: number;
  /** Turn `console.*` calls into log records (default true). */
  readonly captureConsole?: boolean;
  /**
   * How the console line is written to stdout: `text` adds `trace_id=… span_id=…`, `json` writes one JSON
   * object, `lambda-json` the Lambda runtime's JSON object with `traceId`/`spanId` (the default under
   * `AWS_LAMBDA_LOG_FORMAT=JSON`), `off` leaves it untouched. Set explicitly, it wins over Lambda's format.
   */
  readonly consoleFormat?: ConsoleFormat;
  /**
   * Bytes of spans and log records held in memory at most (queued or being exported); past it, records go
   * straight to stdout as JSON lines and the invocation's diagnostic line counts them.
   */
  readonly maxBufferBytes?: number;
  /** Longest log body kept, in characters; longer bodies are cut with a visible marker. */
  readonly maxLogBodyLength?: number;
  /** Loki push fallback for logs (off unless set here or by `FAAS_OBSERVABILITY_LOKI_URL`). */
  readonly loki?: LokiOptions;
  /**
   * The Loki fallback's code: `lokiFallback` from `faas-observability/loki`. Needed on the edge for `loki`
   * to work (its bundle carries no Loki code without it; a diagnostic says so at setup and the logs OTLP
   * does not take go to stdout). On Lambda it replaces the dynamic import that loads the fallback at its
   * first use (no chunk needed: bundlers without code splitting).
   */
  readonly lokiFallback?: LokiFallback;
  /** Write log records no exporter delivered to stdout as JSON lines (default true). */
  readonly stdoutFallback?: boolean;
  /** First back-off of the circuit breaker that skips a dead endpoint, in ms (doubles up to 5 min). */
  readonly circuitBackoffMs?: number;
  /**
   * Lambda: export after the response is posted, through an internal Lambda extension, instead of before
   * it (default true; off where it cannot work, e.g. Managed Instances). Streaming responses are unchanged.
   */
  readonly postResponseFlush?: boolean;
  /**
   * Lambda, with the flush after the response: `batched` holds records across invocations and sends them when a
   * batch is full, when the oldest would pass `batchMaxAgeMs` before the next invocation is expected, or after a
   * failed invocation; an invocation that sends nothing lets the environment freeze at once (less billed time).
   * Default `per-invocation`: every invocation sends what it made. docs/delivery.md says what batching risks.
   */
  readonly delivery?: DeliveryMode;
  /** With `delivery: 'batched'`: the longest a record waits while invocations keep coming, in ms (default 5000). */
  readonly batchMaxAgeMs?: number;
  /** Opt in to using the X-Ray trace header (`_X_AMZN_TRACE_ID`) as parent when the event has no W3C context. */
  readonly xray?: boolean;
  /**
   * Signs or completes each OTLP request before it is sent, retries included (not the Loki fallback's):
   * `awsOtlp()` from `faas-observability/aws` sets it for SigV4 to the X-Ray and CloudWatch Logs endpoints.
   */
  readonly requestSigner?: RequestSigner;
  /**
   * A CLIENT span for each outgoing request made during an invocation (default true): on Lambda the global
   * `fetch` and `node:http(s)`; on the edge the global `fetch`, service bindings and Durable Object stubs.
   */
  readonly outbound?: boolean;
  /**
   * Send `traceparent`/`tracestate`/`baggage` only to these destinations (default: every destination).
   * Strings: `*`, a URL prefix (`https://api.example.com/v1`), a host, or `*.example.com`; or RegExps.
   * Signed requests (SigV4 `Authorization`, presigned URLs) never get them.
   */
  readonly propagateUrls?: readonly UrlPattern[];
  /** Never send the trace context to these destinations (same patterns); wins over `propagateUrls`. */
  readonly dontPropagateUrls?: readonly UrlPattern[];
  /**
   * Register with the OpenTelemetry API (default true), so `trace.getTracer()` in user code nests under the
   * invocation span. Correlation never depends on it. With several setups the API's tracer provider serves
   * the setup whose invocation runs; its propagator and diag logger are the first registering setup's
   * (until the last registered setup shuts down).
   */
  readonly registerGlobals?: boolean;
  /** Replace the sampler chosen by `OTEL_TRACES_SAMPLER`. */
  readonly sampler?: Sampler;
  /** Replace the OTLP span exporter (tests, custom backends). */
  readonly spanExporter?: SpanExporter;
  /** Replace the OTLP log exporter (tests, custom backends). */
  readonly logExporter?: LogRecordExporter;
}
