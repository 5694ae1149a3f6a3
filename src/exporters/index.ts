export { createOtlpLogExporter, createOtlpSpanExporter, OtlpProtobufExporter, type OtlpExporterConfig } from './otlp.ts';
export { postWithFetch } from './fetch-transport.ts';
export { parseRetryAfter, type PostRequest, type Transport, type TransportResult } from './transport.ts';
