// API report of faas-observability/edge (lib/edge.d.ts): npm run api:update writes it.
// Exported: AnyFunction, ConsoleFormat, DeliveryMode, EdgeHandlerObject, EdgeObservability, EdgeObservabilityOptions, EdgeOptionsInput, EnvOf, LogLevelName, LokiFormat, LokiOptions, MessageBatchLike, MetricsExporterName, MetricsOptions, ObservabilityOptions, OtlpCompression, RedactDecision, RedactOptions, RedactionCandidate, SamplingOptions, ScheduledControllerLike, TemporalityPreference, UrlPattern, WaitUntilContext, createEdgeObservability, keepInvocation, withObservability
// Import side effects: import './edge/register-meters-at-import.ts';

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
// UrlPattern (src/core/outbound/url-patterns.ts)
type UrlPattern = string | RegExp;
// keepInvocation (src/core/sampling/keep-invocation.ts)
function keepInvocation(): boolean;
// AnyFunction (src/edge/edge-observability.ts)
type AnyFunction = (...args: any[]) => any;
// EdgeObservability (src/edge/edge-observability.ts)
interface EdgeObservability<E = unknown> {
    wrap<H extends AnyFunction | EdgeHandlerObject | object>(handler: H): H;
    warnOnce(key: string, message: string): void;
    shutdown(): Promise<void>;
    readonly env?: E;
}
// EnvOf (src/edge/edge-observability.ts)
type EnvOf<H> = H extends {
    fetch(request: any, env: infer E, ...rest: any[]): any;
} ? BindingOf<E> : unknown;
// createEdgeObservability (src/edge/edge-observability.ts)
function createEdgeObservability<E = unknown>(options?: EdgeOptionsInput<E>): EdgeObservability<E>;
// withObservability (src/edge/edge-observability.ts)
function withObservability<H extends AnyFunction | EdgeHandlerObject | object, E = EnvOf<H>>(handler: H, options?: EdgeOptionsInput<E>): H;
// EdgeObservabilityOptions (src/edge/edge-setup.ts)
interface EdgeObservabilityOptions extends ObservabilityOptions {
    readonly route?: (request: Request) => string | undefined;
}
// EdgeOptionsInput (src/edge/edge-setup.ts)
type EdgeOptionsInput<E = unknown> = EdgeObservabilityOptions | ((env: E) => EdgeObservabilityOptions);
// LokiFormat (src/exporters/loki/loki-encode.ts)
type LokiFormat = 'json' | 'json-gzip' | 'protobuf';
// EdgeHandlerObject (src/triggers/edge/edge-types.ts)
interface EdgeHandlerObject {
    fetch?(request: Request, env: any, ctx: WaitUntilContext): unknown;
    scheduled?(controller: ScheduledControllerLike, env: any, ctx: WaitUntilContext): unknown;
    queue?(batch: MessageBatchLike, env: any, ctx: WaitUntilContext): unknown;
}
// MessageBatchLike (src/triggers/edge/edge-types.ts)
interface MessageBatchLike {
    readonly queue: string;
    readonly messages: readonly {
        readonly id?: string;
        readonly body?: unknown;
    }[];
}
// ScheduledControllerLike (src/triggers/edge/edge-types.ts)
interface ScheduledControllerLike {
    readonly cron: string;
    readonly scheduledTime: number;
}
// WaitUntilContext (src/triggers/edge/edge-types.ts)
interface WaitUntilContext {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException?(): void;
}

// ---- Reached through the exports (not importable by name) ----

// BindingOf (src/edge/edge-observability.ts)
type BindingOf<E> = [
    WithoutEmpty<NonNullable<E>>
] extends [
    never
] ? E : WithoutEmpty<NonNullable<E>>;
// WithoutEmpty (src/edge/edge-observability.ts)
type WithoutEmpty<E> = E extends unknown ? ({} extends E ? never : E) : never;
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
