import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { ExportFailure, failedExport } from '../export-failure.ts';
import { sendWithRetries } from '../transport/export-with-retries.ts';
import { postWithFetch } from '../transport/fetch-transport.ts';
import { InFlight } from '../in-flight.ts';
import { encodeLokiPush, type LokiFormat } from './loki-encode.ts';
import { DEFAULT_LOKI_LIMITS, toLokiStreams, type LokiLimits } from './loki-streams.ts';
import type { Transport } from '../transport/transport.ts';

export interface LokiPushConfig {
  /** Loki's base URL (`https://logs.example.com`) or the full push URL (`…/loki/api/v1/push`). */
  readonly url: string;
  /** `X-Scope-OrgID`, for multi-tenant Loki. */
  readonly tenant?: string;
  readonly basicAuth?: { readonly username: string; readonly password: string };
  readonly bearerToken?: string;
  /** JSON by default; `json-gzip`, or `protobuf` (snappy-compressed, no native module). */
  readonly format?: LokiFormat;
  readonly limits?: LokiLimits;
  /** Bound of one push including retries, in ms. */
  readonly timeoutMs: number;
  readonly transport?: Transport;
}

// Loki answers 429 when rate-limited and 5xx when unhealthy: both worth a retry. Any other 4xx (bad
// labels, too old, too large) fails the same way again.
const LOKI_RETRYABLE = new Set([429, 500, 502, 503, 504]);

/**
 * A `LogRecordExporter` for Loki's push API. Labels stay low-cardinality (service, namespace, environment,
 * region, function name, level); trace and span ids, severity and attributes travel as structured metadata.
 * Credentials go in headers only and are never printed.
 *
 * @example
 * new LokiPushExporter({ url: 'http://loki:3100', tenant: 'team-a', timeoutMs: 500 });
 */
export class LokiPushExporter implements LogRecordExporter {
  readonly #config: LokiPushConfig;
  readonly #url: string;
  readonly #headers: Record<string, string>;
  readonly #post: Transport;
  readonly #inFlight = new InFlight();

  constructor(config: LokiPushConfig) {
    this.#config = config;
    this.#url = pushUrl(config.url);
    this.#headers = authHeaders(config);
    this.#post = config.transport ?? ((request) => postWithFetch(request));
  }

  export(records: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    const pushed = context
      .with(suppressTracing(context.active()), () => this.#push(records))
      .catch((cause: unknown): ExportResult => ({
        code: ExportResultCode.FAILED,
        error: new ExportFailure('the Loki push threw', false, cause),
      }));
    void this.#inFlight.track(pushed.then(resultCallback));
  }

  forceFlush(): Promise<void> {
    return this.#inFlight.settled();
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }

  async #push(records: readonly ReadableLogRecord[]): Promise<ExportResult> {
    if (records.length === 0) return { code: ExportResultCode.SUCCESS };
    let encoded;
    try {
      encoded = await encodeLokiPush(toLokiStreams(records, this.#config.limits ?? DEFAULT_LOKI_LIMITS), this.#config.format ?? 'json');
    } catch (cause) {
      return { code: ExportResultCode.FAILED, error: new ExportFailure('could not encode the Loki push request', false, cause) };
    }
    const result = await sendWithRetries(
      this.#post,
      {
        url: this.#url,
        body: encoded.body,
        headers: { ...this.#headers, ...encoded.headers },
        retryableStatuses: LOKI_RETRYABLE,
      },
      this.#config.timeoutMs,
    );
    if (result?.status === 'success') return { code: ExportResultCode.SUCCESS };
    return failedExport(`Loki push of ${records.length} record(s) failed`, result);
  }
}

function pushUrl(url: string): string {
  if (url.includes('/loki/api/v1/push')) return url;
  return `${url.replace(/\/+$/, '')}/loki/api/v1/push`;
}

function authHeaders(config: LokiPushConfig): Record<string, string> {
  const headers: Record<string, string> = {};
  if (config.tenant) headers['x-scope-orgid'] = config.tenant;
  if (config.bearerToken) headers.authorization = `Bearer ${config.bearerToken}`;
  else if (config.basicAuth) headers.authorization = `Basic ${base64(`${config.basicAuth.username}:${config.basicAuth.password}`)}`;
  return headers;
}

function base64(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
