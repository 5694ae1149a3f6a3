export { createOtlpLogExporter, createOtlpSpanExporter, OtlpProtobufExporter, type OtlpExporterConfig } from './otlp.ts';
export { postWithTimeout, parseRetryAfter, type PostRequest, type TransportResult } from './fetch-transport.ts';
