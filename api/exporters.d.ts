// API report of faas-observability/exporters (lib/exporters/index.d.ts): npm run api:update writes it.
// Exported: Gzip, LokiFormat, LokiLimits, LokiPushConfig, LokiPushExporter, OtlpExporterConfig, PostRequest, RequestSigner, Transport, TransportResult, createOtlpLogExporter, createOtlpSpanExporter

// LokiFormat (src/exporters/loki/loki-encode.ts)
type LokiFormat = 'json' | 'json-gzip' | 'protobuf';
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
// createOtlpLogExporter (src/exporters/otlp/otlp-exporter.ts)
function createOtlpLogExporter(config: OtlpExporterConfig): LogRecordExporter;
// createOtlpSpanExporter (src/exporters/otlp/otlp-exporter.ts)
function createOtlpSpanExporter(config: OtlpExporterConfig): SpanExporter & {
    forceFlush(): Promise<void>;
};
// Gzip (src/exporters/otlp/otlp-protobuf-exporter.ts)
type Gzip = (body: Uint8Array) => Uint8Array | Promise<Uint8Array>;
// OtlpExporterConfig (src/exporters/otlp/otlp-protobuf-exporter.ts)
interface OtlpExporterConfig {
    readonly url: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly transport?: Transport;
    readonly maxRequestBytes?: number;
    readonly maxItemsPerRequest?: number;
    readonly compression?: 'gzip' | 'none';
    readonly gzip?: Gzip;
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
