// API report of faas-observability/loki (lib/loki.d.ts): npm run api:update writes it.
// Exported: LokiFallback, lokiFallback

// LokiFallback (src/exporters/loki/loki-fallback.ts)
interface LokiFallback {
    readonly LokiPushExporter: typeof LokiPushExporter;
}
// lokiFallback (src/exporters/loki/loki-fallback.ts)
const lokiFallback: LokiFallback;

// ---- Reached through the exports (not importable by name) ----

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
// PostRequest (src/exporters/transport/transport.ts)
interface PostRequest {
    readonly url: string;
    readonly body: Uint8Array | string;
    readonly headers: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly retryableStatuses: ReadonlySet<number>;
}
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
