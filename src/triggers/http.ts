import { SpanKind, type Attributes, type Span } from '@opentelemetry/api';
import { recordHttpStatus } from '../core/http-status.ts';
import { normalizeHeaders } from '../core/propagation.ts';
import type { SpanStart } from '../core/trigger.ts';
import { redactQuery } from '../core/secret-query.ts';
import type { Diagnostics } from '../core/diagnostics.ts';
import { describeThrown } from '../core/span-error.ts';

export interface HttpRequestParts {
  readonly method: string;
  /** The route template (`/pets/{id}`), when the trigger knows one. */
  readonly route?: string;
  readonly path: string;
  readonly query?: string;
  readonly scheme: string;
  readonly headers: unknown;
  readonly multiValueHeaders?: unknown;
  readonly clientAddress?: string;
  readonly protocol?: string;
}

/**
 * A SERVER span following the HTTP semantic conventions: named `METHOD route` (or `METHOD` without a
 * route), with `http.request.method`, `http.route`, `url.path`, `url.query`, `url.scheme`,
 * `server.address`, `user_agent.original` and `client.address`.
 */
export function httpSpanStart(request: HttpRequestParts): SpanStart {
  const headers = normalizeHeaders(request.multiValueHeaders, request.headers);
  const method = request.method.toUpperCase();
  const attributes: Attributes = {
    'faas.trigger': 'http',
    'http.request.method': method,
    'url.path': request.path,
    'url.scheme': request.scheme,
  };
  if (request.route) attributes['http.route'] = request.route;
  // Signature and credential values (presigned URLs) never reach the span: the semantic conventions list.
  if (request.query) attributes['url.query'] = redactQuery(request.query);
  if (headers.host) attributes['server.address'] = headers.host.split(':')[0];
  if (headers['user-agent']) attributes['user_agent.original'] = headers['user-agent'];
  if (request.clientAddress) attributes['client.address'] = request.clientAddress;
  if (request.protocol?.startsWith('HTTP/')) attributes['network.protocol.version'] = request.protocol.slice(5);
  return {
    name: request.route ? `${method} ${request.route}` : method,
    kind: SpanKind.SERVER,
    attributes,
    parentCarrier: headers,
  };
}

/**
 * Calls the user's route function: a template when it returns a non-empty string, else undefined. A function
 * that throws costs the span its route, never the request, and is reported once through `diagnostics`.
 */
export function userRoute<I>(route: (input: I) => string | undefined, input: I, diagnostics: Diagnostics): string | undefined {
  try {
    const template = route(input);
    return typeof template === 'string' && template !== '' ? template : undefined;
  } catch (error) {
    diagnostics.once('route-threw', 'warn', `the route option threw; spans go without a route: ${describeRouteError(error)}`);
    return undefined;
  }
}

function describeRouteError(error: unknown): string {
  const { name, message } = describeThrown(error);
  return `${name}: ${message}`;
}

/**
 * Sets `http.response.status_code` from the handler's result, and ERROR on 5xx (`recordHttpStatus`).
 * `implicitOk`: API Gateway HTTP APIs and Function URLs answer 200 when the result has no statusCode.
 */
export function recordHttpResult(span: Span, result: unknown, implicitOk: boolean): void {
  const statusCode = typeof result === 'object' && result !== null ? (result as { statusCode?: unknown }).statusCode : undefined;
  const code = typeof statusCode === 'number' ? statusCode : implicitOk ? 200 : undefined;
  if (code === undefined) return;
  recordHttpStatus(span, code, 'server');
}

/** Builds a query string from API Gateway v1 / ALB parameter maps (multi-value first). */
export function queryFromParameters(single: unknown, multi: unknown): string | undefined {
  const parts: string[] = [];
  const source = typeof multi === 'object' && multi !== null ? multi : single;
  if (typeof source !== 'object' || source === null) return undefined;
  for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string') parts.push(`${name}=${item}`);
    }
  }
  return parts.length > 0 ? parts.join('&') : undefined;
}
