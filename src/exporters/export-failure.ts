import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { TransportResult } from './transport/transport.ts';

/**
 * An export error that says whether the endpoint looked unavailable (refused, timed out, 5xx, 429) —
 * which opens a circuit breaker — or rejected this batch (another 4xx, serialization).
 */
export class ExportFailure extends Error {
  readonly unavailable: boolean;
  constructor(message: string, unavailable: boolean, cause?: unknown) {
    super(message, { cause });
    this.name = 'ExportFailure';
    this.unavailable = unavailable;
  }
}

export function isOutage(result: ExportResult): boolean {
  return result.error instanceof ExportFailure ? result.error.unavailable : result.error !== undefined;
}

/** One line for diagnostics: the message and its cause, never a URL's user info or query, nor a header. */
export function describeFailure(result: ExportResult): string {
  const error = result.error;
  if (!error) return 'unknown failure';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * The ExportResult of a request that did not succeed: an outage unless the endpoint answered 4xx (the status
 * decides, whatever became of the body) or the request never left.
 */
export function failedExport(message: string, result: TransportResult | undefined): ExportResult {
  const answered4xx =
    result?.status === 'failure' && result.statusCode !== undefined && result.statusCode < 500 && result.statusCode !== 429;
  const rejected = answered4xx || (result?.status === 'failure' && result.notSent === true);
  return {
    code: ExportResultCode.FAILED,
    error: new ExportFailure(message, !rejected, result?.status === 'success' ? undefined : result?.error),
  };
}
