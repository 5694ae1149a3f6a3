// API report of faas-observability/lambda (lib/lambda.d.ts): npm run api:update writes it.
// Exported: AnyHandler, BatchItemFailure, BatchResponse, ConsoleFormat, DeliveryMode, Diagnostics, Env, FlushSummary, LambdaContext, LambdaObservability, LambdaObservabilityOptions, LambdaRouteInput, LogLevelName, LokiFormat, LokiOptions, MetricsExporterName, MetricsOptions, ObservabilityOptions, OtlpCompression, RedactDecision, RedactOptions, RedactionCandidate, SamplingOptions, Telemetry, TemporalityPreference, UrlPattern, createLambdaObservability, forEachRecord, keepInvocation, startPostResponseFlush, withObservability
// Import side effects: import './lambda/capture-init-logs-at-import.ts';

// Env (src/core/config/env-readers.ts)
type Env = Readonly<Record<string, string | undefined>>;
// ConsoleFormat (src/core/config/options.ts)
type ConsoleFormat = 'text' | 'json' | 'lambda-json' | 'off';
// DeliveryMode (src/core/config/options.ts)
type DeliveryMode = 'per-invocation' | 'batched';
// LogLevelName (src/core/config/options.ts)
type LogLevelName = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
// LokiOptions (src/core/config/options.ts)
interface LokiOptions {
    readonly url: string;
    readonly tenant?: string;
    readonly username?: string;
    readonly password?: string;
    readonly bearerToken?: string;
    readonly format?: LokiFormat;
}
// MetricsExporterName (src/core/config/options.ts)
type MetricsExporterName = 'otlp' | 'emf';
// MetricsOptions (src/core/config/options.ts)
interface MetricsOptions {
    readonly exporter?: MetricsExporterName;
    readonly temporality?: TemporalityPreference;
    readonly cardinalityLimit?: number;
    readonly namespace?: string;
}
// ObservabilityOptions (src/core/config/options.ts)
interface ObservabilityOptions {
    readonly serviceName?: string;
    readonly resourceAttributes?: Attributes;
    readonly endpoint?: string;
    readonly tracesEndpoint?: string;
    readonly logsEndpoint?: string;
    readonly metricsEndpoint?: string;
    readonly metrics?: false | MetricsOptions;
    readonly sampling?: SamplingOptions;
    readonly redact?: false | RedactOptions;
    readonly headers?: Readonly<Record<string, string>>;
    readonly exportTimeoutMs?: number;
    readonly compression?: OtlpCompression;
    readonly flushBudgetMs?: number;
    readonly flushMarginMs?: number;
    readonly timeoutSafetyMs?: number;
    readonly captureConsole?: boolean;
    readonly consoleFormat?: ConsoleFormat;
    readonly maxBufferBytes?: number;
    readonly maxLogBodyLength?: number;
    readonly loki?: LokiOptions;
    readonly lokiFallback?: LokiFallback;
    readonly stdoutFallback?: boolean;
    readonly circuitBackoffMs?: number;
    readonly postResponseFlush?: boolean;
    readonly delivery?: DeliveryMode;
    readonly batchMaxAgeMs?: number;
    readonly xray?: boolean;
    readonly requestSigner?: RequestSigner;
    readonly outbound?: boolean;
    readonly propagateUrls?: readonly UrlPattern[];
    readonly dontPropagateUrls?: readonly UrlPattern[];
    readonly registerGlobals?: boolean;
    readonly sampler?: Sampler;
    readonly spanExporter?: SpanExporter;
    readonly logExporter?: LogRecordExporter;
}
// OtlpCompression (src/core/config/options.ts)
type OtlpCompression = 'gzip' | 'none';
// RedactDecision (src/core/config/options.ts)
type RedactDecision = (candidate: RedactionCandidate) => string;
// RedactOptions (src/core/config/options.ts)
interface RedactOptions {
    readonly keys?: readonly string[];
    readonly defaultKeys?: boolean;
    readonly patterns?: readonly RegExp[];
    readonly defaultPatterns?: boolean;
    readonly replacement?: string;
    readonly stdout?: boolean;
    readonly decide?: RedactDecision;
}
// RedactionCandidate (src/core/config/options.ts)
interface RedactionCandidate {
    readonly key: string | undefined;
    readonly value: string;
    readonly redacted: string;
}
// SamplingOptions (src/core/config/options.ts)
interface SamplingOptions {
    readonly tail?: boolean;
    readonly keepFailed?: boolean;
    readonly keepLogLevel?: LogLevelName | 'off';
    readonly keepSlowerThanMs?: number;
    readonly exportLogLevel?: LogLevelName;
}
// TemporalityPreference (src/core/config/options.ts)
type TemporalityPreference = 'delta' | 'cumulative' | 'lowmemory';
// Diagnostics (src/core/diagnostics.ts)
interface Diagnostics extends DiagLogger {
    once(key: string, level: 'warn' | 'error', message: string): void;
}
// FlushSummary (src/core/flush.ts)
interface FlushSummary {
    readonly ok: boolean;
    readonly timedOut: boolean;
    readonly durationMs: number;
    readonly errors: readonly unknown[];
}
// UrlPattern (src/core/outbound/url-patterns.ts)
type UrlPattern = string | RegExp;
// keepInvocation (src/core/sampling/keep-invocation.ts)
function keepInvocation(): boolean;
// Telemetry (src/core/telemetry.ts)
interface Telemetry {
    readonly tracer: Tracer;
    readonly logger: Logger;
    readonly propagator: TextMapPropagator;
    readonly diagnostics: Diagnostics;
    flush(boundMs: number): Promise<FlushSummary>;
    shutdown(): Promise<void>;
}
// LokiFormat (src/exporters/loki/loki-encode.ts)
type LokiFormat = 'json' | 'json-gzip' | 'protobuf';
// forEachRecord (src/lambda/for-each-record.ts)
function forEachRecord<R = unknown>(event: unknown, fn: (record: R, index: number) => unknown): Promise<BatchResponse>;
// AnyHandler (src/lambda/handler-shapes.ts)
type AnyHandler = (...args: any[]) => any;
// LambdaObservability (src/lambda/lambda-observability.ts)
interface LambdaObservability {
    wrap<H extends AnyHandler>(handler: H): H;
    readonly telemetry: Telemetry | undefined;
    shutdown(): Promise<void>;
}
// createLambdaObservability (src/lambda/lambda-observability.ts)
function createLambdaObservability(options?: LambdaObservabilityOptions, env?: Env): LambdaObservability;
// withObservability (src/lambda/lambda-observability.ts)
function withObservability<H extends AnyHandler>(handler: H, options?: LambdaObservabilityOptions): H;
// LambdaObservabilityOptions (src/lambda/lambda-route.ts)
interface LambdaObservabilityOptions extends ObservabilityOptions {
    readonly route?: (request: LambdaRouteInput) => string | undefined;
}
// LambdaRouteInput (src/lambda/lambda-route.ts)
interface LambdaRouteInput {
    readonly method: string;
    readonly path: string;
    readonly event: unknown;
    readonly context: LambdaContext | undefined;
}
// LambdaContext (src/lambda/lambda-types.ts)
interface LambdaContext {
    readonly awsRequestId: string;
    readonly invokedFunctionArn: string;
    readonly functionName?: string;
    readonly functionVersion?: string;
    readonly memoryLimitInMB?: string;
    readonly logStreamName?: string;
    getRemainingTimeInMillis(): number;
    callbackWaitsForEmptyEventLoop?: boolean;
}
// startPostResponseFlush (src/lambda/post-response-flush.ts)
function startPostResponseFlush(env?: Env): Promise<boolean>;
// BatchItemFailure (src/triggers/lambda/batch-item-failures.ts)
interface BatchItemFailure {
    readonly itemIdentifier: string;
}
// BatchResponse (src/triggers/lambda/batch-item-failures.ts)
interface BatchResponse {
    readonly batchItemFailures: BatchItemFailure[];
}

// ---- Reached through the exports (not importable by name) ----

// LokiFallback (src/exporters/loki/loki-fallback.ts)
interface LokiFallback {
    readonly LokiPushExporter: typeof LokiPushExporter;
}
// LokiPushConfig (src/exporters/loki/loki-push.ts)
interface LokiPushConfig {
    readonly url: string;
    readonly tenant?: string;
    readonly basicAuth?: {
        readonly username: string;
        readonly password: string;
    };
    readonly bearerToken?: string;
    readonly format?: LokiFormat;
    readonly limits?: LokiLimits;
    readonly timeoutMs: number;
    readonly transport?: Transport;
}
// LokiPushExporter (src/exporters/loki/loki-push.ts)
class LokiPushExporter implements LogRecordExporter {
    #private;
    constructor(config: LokiPushConfig);
    export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void;
    forceFlush(): Promise<void>;
    shutdown(): Promise<void>;
}
// LokiLimits (src/exporters/loki/loki-streams.ts)
interface LokiLimits {
    readonly maxLineBytes: number;
    readonly maxMetadataBytes: number;
    readonly maxMetadataEntries: number;
}
// PostRequest (src/exporters/transport/transport.ts)
interface PostRequest {
    readonly url: string;
    readonly body: Uint8Array | string;
    readonly headers: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly retryableStatuses: ReadonlySet<number>;
}
// RequestSigner (src/exporters/transport/transport.ts)
type RequestSigner = (request: PostRequest) => Promise<PostRequest> | PostRequest;
// Transport (src/exporters/transport/transport.ts)
type Transport = (request: PostRequest) => Promise<TransportResult>;
// TransportResult (src/exporters/transport/transport.ts)
type TransportResult = {
    readonly status: 'success';
    readonly statusCode: number;
    readonly body?: Uint8Array;
    readonly contentType?: string;
} | {
    readonly status: 'retryable';
    readonly error: Error;
    readonly retryAfterMs?: number;
} | {
    readonly status: 'failure';
    readonly error: Error;
    readonly statusCode?: number;
    readonly notSent?: boolean;
};
