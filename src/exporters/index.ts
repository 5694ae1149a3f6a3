export {
  createOtlpLogExporter,
  createOtlpSpanExporter,
  OtlpProtobufExporter,
  type Gzip,
  type RequestEncoder,
  type OtlpExporterConfig,
} from './otlp/otlp-exporter.ts';
export { LokiPushExporter, type LokiPushConfig } from './loki/loki-push.ts';
export type { LokiFormat } from './loki/loki-encode.ts';
export { DEFAULT_LOKI_LIMITS, toLokiStreams, type LokiEntry, type LokiLimits, type LokiStream } from './loki/loki-streams.ts';
export { FailoverLogExporter, FailoverSpanExporter, type FailoverOptions, type GuardedExporter } from './failover.ts';
export { ExportQueue, type ExportQueueOptions, type OverflowReason } from './export-queue.ts';
export { MemoryBudget } from './memory-budget.ts';
export { CircuitBreaker, type CircuitBreakerOptions } from './transport/circuit-breaker.ts';
export { DeliveryReport, describeDelivery, type DeliveryCounts, type DeliverySnapshot, type Signal } from './delivery-report.ts';
export { ExportFailure } from './export-failure.ts';
export type { LineWriter } from './stdout-records.ts';
export { postWithFetch } from './transport/fetch-transport.ts';
export {
  parseRetryAfter,
  signedTransport,
  type PostRequest,
  type RequestSigner,
  type Transport,
  type TransportResult,
} from './transport/transport.ts';
