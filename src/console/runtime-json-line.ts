import type { LogRecord, SpanContext } from '@opentelemetry/api';
import { isError, safeRead } from '../core/safe-read.ts';

/**
 * The line the Lambda runtime client writes for a console call when `AWS_LAMBDA_LOG_FORMAT=JSON`
 * (aws-lambda-ric 4 `formatJsonMessage`), with `traceId` and `spanId` added:
 * `{"timestamp","level","requestId","message",…}`. One argument is kept as the value it is (an object stays
 * an object, an Error becomes `{errorType, errorMessage, stackTrace, …}`); several are formatted like
 * `util.format`, and the first Error among the rest adds `errorType`, `errorMessage` and `stackTrace`.
 * A string message is the record's body, so it is cut at `maxLogBodyLength` like the record.
 *
 * @example
 * runtimeJsonLine(['order', { id: 7 }], record, spanContext, 'c6af9ac6-…');
 * // {"timestamp":"…","level":"INFO","requestId":"c6af9ac6-…","message":"order { id: 7 }","traceId":"…","spanId":"…"}
 */
export function runtimeJsonLine(
  args: readonly unknown[],
  record: LogRecord,
  span: SpanContext | undefined,
  requestId: string | undefined,
): string {
  const line: Record<string, unknown> = { timestamp: new Date().toISOString(), level: record.severityText, requestId };
  const ids = span ? { traceId: span.traceId, spanId: span.spanId } : {};
  if (args.length === 1 && typeof args[0] !== 'string') {
    // The runtime stringifies a lone value as is; what JSON cannot hold (a cycle, a BigInt) becomes its text.
    const whole = safeRead(() => JSON.stringify({ ...line, message: args[0], ...ids }, errorReplacer), undefined);
    if (whole !== undefined) return whole;
  }
  line.message = args.length === 0 ? undefined : record.body;
  const error = args.slice(1).find(isError);
  if (error) Object.assign(line, errorFields(error));
  return JSON.stringify({ ...line, ...ids });
}

function errorReplacer(_key: string, value: unknown): unknown {
  return isError(value) ? { ...errorFields(value), ...value } : value;
}

function errorFields(error: Error): Record<string, unknown> {
  return {
    errorType: safeRead(() => error.constructor.name, 'UnknownError'),
    errorMessage: safeRead(() => error.message, ''),
    stackTrace: safeRead(() => (typeof error.stack === 'string' ? error.stack.split('\n') : []), []),
  };
}
