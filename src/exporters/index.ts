// `faas-observability/exporters`: the exporters, for an SDK pipeline of your own (they implement the SDK's
// `SpanExporter` / `LogRecordExporter`), and the transport types they take. The queue, memory budget,
// circuit breaker, failover chain and delivery report are how the setups use them, not part of the API.
export { createOtlpLogExporter, createOtlpSpanExporter, type Gzip, type OtlpExporterConfig } from './otlp/otlp-exporter.ts';
export { LokiPushExporter, type LokiPushConfig } from './loki/loki-push.ts';
export type { LokiFormat } from './loki/loki-encode.ts';
export type { LokiLimits } from './loki/loki-streams.ts';
export type { PostRequest, RequestSigner, Transport, TransportResult } from './transport/transport.ts';
