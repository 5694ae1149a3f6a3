import { SpanStatusCode, type Span } from '@opentelemetry/api';

/**
 * Records an HTTP response status on a span the one way: `http.response.status_code`, and for an error
 * status ERROR with `error.type` set to the code. An error is 5xx for a SERVER span and 4xx or 5xx for a
 * CLIENT span (a 404 is the client's failure, not the server's).
 * https://opentelemetry.io/docs/specs/semconv/http/http-spans/#status
 *
 * @example
 * recordHttpStatus(span, 503, 'server'); // http.response.status_code=503, error.type='503', status ERROR
 */
export function recordHttpStatus(span: Span, status: number, side: 'server' | 'client'): void {
  span.setAttribute('http.response.status_code', status);
  if (status < (side === 'server' ? 500 : 400)) return;
  span.setAttribute('error.type', String(status));
  span.setStatus({ code: SpanStatusCode.ERROR });
}
