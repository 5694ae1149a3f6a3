import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { postWithFetch } from '../transport/fetch-transport.ts';
import { ExportFailure, failedExport } from '../export-failure.ts';
import { sendWithRetries } from '../transport/export-with-retries.ts';
import { InFlight } from '../in-flight.ts';
import type { Transport } from '../transport/transport.ts';
import type { PartialSuccess, PartialSuccessReader } from './partial-success.ts';
import { splitToLimits, type RequestChunk } from './request-chunks.ts';
import { otlpOmittedAttributes } from '../record-uid.ts';
import { encodeSpans } from './encode-spans.ts';
import { encodeLogs } from './encode-logs.ts';
import { encodeMetrics } from './encode-metrics.ts';
import type { MetricRecord } from '../metric-record.ts';
import type { MetricRecordExporter } from '../metric-record-exporter.ts';

export interface OtlpExporterConfig {
  /** Full signal URL, e.g. `http://localhost:4318/v1/traces`. */
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Bound of one export including its retries, in ms. */
  readonly timeoutMs: number;
  /** How requests are sent; `fetch` by default (the Lambda entry point passes a `node:http` transport). */
  readonly transport?: Transport;
  /** Largest request body, in bytes (uncompressed): a larger batch is split in halves until it fits. */
  readonly maxRequestBytes?: number;
  /** Most records in one request (for metrics, `MetricRecord`s): a larger batch is sent as several requests. */
  readonly maxItemsPerRequest?: number;
  /** `gzip`: bodies go through `gzip` with `content-encoding: gzip`; sent as is without a compressor. */
  readonly compression?: 'gzip' | 'none';
  /**
   * Gzips a request body. Passed in by the runtime's entry point, like the transport (Lambda: node:zlib),
   * so the shared exporters import no runtime module.
   */
  readonly gzip?: Gzip;
}

/**
 * Writes one request body from a batch: a function, or an object with `serializeRequest` (the official
 * serializers of `@opentelemetry/otlp-transformer` have that shape).
 */
export type RequestEncoder<T> = ((items: T[]) => Uint8Array) | { serializeRequest(items: T[]): Uint8Array | undefined };

/** Gzips one request body. */
export type Gzip = (body: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/**
 * An export result that may say how many records an endpoint rejected while accepting the request, and, when
 * a split batch failed in part, which records were not delivered (the rest were).
 */
export type OtlpExportResult = ExportResult & { readonly partialSuccess?: PartialSuccess; readonly undelivered?: readonly unknown[] };

/** A request body ready to send: gzipped, or as is. */
type SendableChunk<T> = RequestChunk<T> & { readonly gzipped?: boolean };

/**
 * The chunk gzipped; as is when the compressor fails (a runtime's CompressionStream that errors): an
 * uncompressed request the endpoint takes beats records lost to a compression option.
 */
async function gzipped<T>(chunk: RequestChunk<T>, gzip: Gzip): Promise<SendableChunk<T>> {
  try {
    return { ...chunk, body: await gzip(chunk.body), gzipped: true };
  } catch {
    return chunk;
  }
}

// https://opentelemetry.io/docs/specs/otlp/#failures-1 : only these are retryable; never 400.
const OTLP_RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * OTLP/HTTP protobuf exporter over `fetch` (our encoders write what the official serializers write). Retries
 * the OTLP retryable classes (honouring `Retry-After`) only while its timeout lasts, reports failures as
 * `ExportResult` values, and tracks in-flight exports so `forceFlush()` waits for them — the batch processors'
 * own `forceFlush` does not wait for an export their timer already started.
 */
export class OtlpProtobufExporter<T> {
  readonly #config: OtlpExporterConfig;
  readonly #encode: (items: T[]) => Uint8Array | undefined;
  readonly #headers: Record<string, string>;
  readonly #gzipHeaders: Record<string, string>;
  readonly #inFlight = new InFlight();
  readonly #post: Transport;
  readonly #gzip: Gzip | undefined;
  readonly #readPartialSuccess: PartialSuccessReader;
  #shutdown = false;

  constructor(config: OtlpExporterConfig, encoder: RequestEncoder<T>, readPartialSuccess: PartialSuccessReader) {
    this.#config = config;
    this.#readPartialSuccess = readPartialSuccess;
    this.#encode = typeof encoder === 'function' ? encoder : (items) => encoder.serializeRequest(items);
    this.#headers = { ...config.headers, 'content-type': 'application/x-protobuf' };
    this.#post = config.transport ?? ((request) => postWithFetch(request));
    this.#gzip = config.compression === 'gzip' ? config.gzip : undefined;
    this.#gzipHeaders = { ...this.#headers, 'content-encoding': 'gzip' };
  }

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    // Whatever #send meets (a custom transport or encoder that throws), the callback is called: a batch
    // processor waits for it, and so does the flush before the freeze.
    const sent = context
      .with(suppressTracing(context.active()), () => this.#send(items))
      .catch((cause: unknown) => failed('the OTLP export threw', cause));
    void this.#inFlight.track(sent.then(resultCallback));
  }

  /** Resolves when every export started before the call has finished. */
  forceFlush(): Promise<void> {
    return this.#inFlight.settled();
  }

  async shutdown(): Promise<void> {
    this.#shutdown = true;
    await this.forceFlush();
  }

  async #send(items: T[]): Promise<OtlpExportResult> {
    let chunks: SendableChunk<T>[];
    try {
      // Limits apply to the uncompressed body (maxRequestBytes says so); each chunk is gzipped after the split.
      chunks = splitToLimits(items, this.#encode, this.#config);
    } catch (cause) {
      return failed('could not serialize the OTLP request', cause);
    }
    const gzip = this.#gzip;
    if (gzip) chunks = await Promise.all(chunks.map((chunk) => gzipped(chunk, gzip)));
    // A batch over an endpoint's limits leaves as several requests, in parallel, each within the timeout.
    const results = await Promise.all(
      chunks.map((chunk) =>
        sendWithRetries(
          this.#post,
          {
            url: this.#config.url,
            body: chunk.body,
            headers: chunk.gzipped ? this.#gzipHeaders : this.#headers,
            retryableStatuses: OTLP_RETRYABLE,
          },
          this.#config.timeoutMs,
        ),
      ),
    );
    const partialSuccess = await this.#readPartialSuccess(results.map((result) => (result?.status === 'success' ? result : undefined)));
    const failure = results.find((result) => result?.status !== 'success');
    if (failure === undefined)
      return partialSuccess ? { code: ExportResultCode.SUCCESS, partialSuccess } : { code: ExportResultCode.SUCCESS };
    // Only the requests that failed go on to the fallback: the others were delivered.
    const undelivered = chunks.filter((_, index) => results[index]?.status !== 'success').flatMap((chunk) => chunk.items);
    return {
      ...failedExport(
        `OTLP export of ${undelivered.length < items.length ? `${undelivered.length} of ` : ''}${items.length} item(s) failed`,
        failure,
      ),
      partialSuccess,
      undelivered,
    };
  }
}

function failed(message: string, cause: unknown): ExportResult {
  return { code: ExportResultCode.FAILED, error: new ExportFailure(message, false, cause) };
}

/**
 * The span exporter with the partial_success reader given: the setups pass theirs (on Lambda one that loads
 * the reader on demand), so the public factory alone keeps the reader in the bundle.
 *
 * @example
 * otlpSpanExporter({ url: 'http://localhost:4318/v1/traces', timeoutMs: 1000 }, sumPartialSuccess);
 */
export function otlpSpanExporter(
  config: OtlpExporterConfig,
  readPartialSuccess: PartialSuccessReader,
): SpanExporter & { forceFlush(): Promise<void> } {
  return new OtlpProtobufExporter<ReadableSpan>(config, encodeSpans, readPartialSuccess);
}

// Each record as the request carries it: without the attributes its other fields already give (record-uid.ts).
const encodeWireLogs = (records: ReadableLogRecord[]): Uint8Array => encodeLogs(records, otlpOmittedAttributes);

/**
 * The log record exporter with the partial_success reader given (see `otlpSpanExporter`).
 *
 * @example
 * otlpLogExporter({ url: 'http://localhost:4318/v1/logs', timeoutMs: 1000 }, sumPartialSuccess);
 */
export function otlpLogExporter(config: OtlpExporterConfig, readPartialSuccess: PartialSuccessReader): LogRecordExporter {
  return new OtlpProtobufExporter<ReadableLogRecord>(config, encodeWireLogs, readPartialSuccess);
}

/**
 * The metric exporter with the partial_success reader given (see `otlpSpanExporter`). It sends
 * `MetricRecord`s to `/v1/metrics`; an endpoint's partial_success counts rejected data points.
 *
 * @example
 * otlpMetricExporter({ url: 'http://localhost:4318/v1/metrics', timeoutMs: 1000 }, sumPartialSuccess);
 */
export function otlpMetricExporter(config: OtlpExporterConfig, readPartialSuccess: PartialSuccessReader): MetricRecordExporter {
  return new OtlpProtobufExporter<MetricRecord>(config, encodeMetrics, readPartialSuccess);
}
