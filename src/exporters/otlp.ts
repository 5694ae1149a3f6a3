import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import { ProtobufLogsSerializer, ProtobufTraceSerializer, type ISerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { postWithFetch } from './fetch-transport.ts';
import type { Transport, TransportResult } from './transport.ts';

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
const MAX_ATTEMPTS = 3;
const BASE_BACKOFF_MS = 50;

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
  readonly #pending = new Set<Promise<void>>();
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
    const done = context.with(suppressTracing(context.active()), () => this.#send(items)).then(resultCallback);
    this.#pending.add(done);
    void done.finally(() => this.#pending.delete(done));
  }

  /** Resolves when every export started before the call has finished. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.#pending]);
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
    const deadline = Date.now() + this.#config.timeoutMs;
    let result: TransportResult | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const timeoutMs = deadline - Date.now();
      if (timeoutMs <= 0) break;
      result = await this.#post({ url: this.#config.url, body, headers: this.#headers, timeoutMs, retryableStatuses: OTLP_RETRYABLE });
      if (result.status !== 'retryable') break;
      const waitMs = result.retryAfterMs ?? (attempt === 0 ? 0 : BASE_BACKOFF_MS * 2 ** attempt * (0.5 + Math.random()));
      if (Date.now() + waitMs >= deadline) break;
      if (waitMs > 0) await sleep(waitMs);
    }
    if (result?.status === 'success') return { code: ExportResultCode.SUCCESS };
    return failed(`OTLP export of ${items.length} item(s) failed`, result?.error);
  }
}

function failed(message: string, cause: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: new Error(message, { cause }) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    (timer as { unref?: () => void }).unref?.();
  });
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
