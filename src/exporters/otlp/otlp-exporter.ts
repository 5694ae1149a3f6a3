import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import { ProtobufLogsSerializer, ProtobufTraceSerializer, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { postWithFetch } from '../transport/fetch-transport.ts';
import { ExportFailure, failedExport } from '../export-failure.ts';
import { sendWithRetries } from '../transport/export-with-retries.ts';
import { InFlight } from '../in-flight.ts';
import type { Transport } from '../transport/transport.ts';

export interface OtlpExporterConfig {
  /** Full signal URL, e.g. `http://localhost:4318/v1/traces`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Bound of one export including its retries, in ms. */
  readonly timeoutMs: number;
  /** How requests are sent; `fetch` by default (the Lambda entry point passes a `node:http` transport). */
  readonly transport?: Transport;
}

// https://opentelemetry.io/docs/specs/otlp/#failures-1 : only these are retryable; never 400.
const OTLP_RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * OTLP/HTTP protobuf exporter over `fetch`, built on the official serializers. Retries the OTLP retryable
 * classes (honouring `Retry-After`) only while its timeout lasts, reports failures as `ExportResult`
 * values, and tracks in-flight exports so `forceFlush()` waits for them — the batch processors' own
 * `forceFlush` does not wait for an export their timer already started.
 */
export class OtlpProtobufExporter<T> {
  readonly #config: OtlpExporterConfig;
  readonly #serializer: ISerializer<T[], unknown>;
  readonly #headers: Record<string, string>;
  readonly #inFlight = new InFlight();
  readonly #post: Transport;
  #shutdown = false;

  constructor(config: OtlpExporterConfig, serializer: ISerializer<T[], unknown>) {
    this.#config = config;
    this.#serializer = serializer;
    this.#headers = { ...config.headers, 'content-type': 'application/x-protobuf' };
    this.#post = config.transport ?? ((request) => postWithFetch(request));
  }

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    void this.#inFlight.track(context.with(suppressTracing(context.active()), () => this.#send(items)).then(resultCallback));
  }

  /** Resolves when every export started before the call has finished. */
  forceFlush(): Promise<void> {
    return this.#inFlight.settled();
  }

  async shutdown(): Promise<void> {
    this.#shutdown = true;
    await this.forceFlush();
  }

  async #send(items: T[]): Promise<ExportResult> {
    let body: Uint8Array | undefined;
    try {
      body = this.#serializer.serializeRequest(items);
    } catch (cause) {
      return failed('could not serialize the OTLP request', cause);
    }
    if (body === undefined) return failed('could not serialize the OTLP request', undefined);
    const result = await sendWithRetries(
      this.#post,
      { url: this.#config.url, body, headers: this.#headers, retryableStatuses: OTLP_RETRYABLE },
      this.#config.timeoutMs,
    );
    if (result?.status === 'success') return { code: ExportResultCode.SUCCESS };
    return failedExport(`OTLP export of ${items.length} item(s) failed`, result);
  }
}

function failed(message: string, cause: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: new ExportFailure(message, false, cause) };
}

/**
 * OTLP/HTTP protobuf span exporter with serverless timeouts.
 *
 * @example
 * new BatchSpanProcessor({ exporter: createOtlpSpanExporter({ url: 'http://localhost:4318/v1/traces', timeoutMs: 1000 }) });
 */
export function createOtlpSpanExporter(config: OtlpExporterConfig): SpanExporter & { forceFlush(): Promise<void> } {
  return new OtlpProtobufExporter<ReadableSpan>(config, ProtobufTraceSerializer);
}

/**
 * OTLP/HTTP protobuf log record exporter with serverless timeouts.
 *
 * @example
 * new BatchLogRecordProcessor({ exporter: createOtlpLogExporter({ url: 'http://localhost:4318/v1/logs', timeoutMs: 1000 }) });
 */
export function createOtlpLogExporter(config: OtlpExporterConfig): LogRecordExporter {
  return new OtlpProtobufExporter<ReadableLogRecord>(config, ProtobufLogsSerializer);
}
