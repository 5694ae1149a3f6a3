import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Diagnostics } from '../core/diagnostics.ts';
import type { OutboundRequest, OutboundSpan, OutboundTracer } from '../core/outbound/outbound-tracer.ts';

// The span rides on the request object itself: no module state, and a subscriber that sees a request
// already marked (another copy of the library) leaves it to the first (one CLIENT span per request). Within
// one copy the process owner subscribes once, for every setup.
const SPAN = Symbol.for('faas-observability.outbound-span');
type Carrying = { [SPAN]?: OutboundSpan | null };

/** What undici (Node's global `fetch`) publishes: https://undici.nodejs.org/#/docs/api/DiagnosticsChannel */
interface UndiciRequest {
  readonly origin: string | URL;
  readonly method: string;
  readonly path: string;
  /** `[name, value, name, value, …]` (undici ≥ 6), or `name: value\r\n` lines (older). */
  readonly headers: string[] | string;
  addHeader(name: string, value: string): unknown;
}

/**
 * Subscribes `outbound` to Node's diagnostics channels: undici's `undici:request:*` (global `fetch`) and
 * `http.client.request.*` / `http.client.response.finish` (`node:http` and `node:https`, Node ≥ 22.14). No
 * require or import hook: it works the same in an esbuild bundle, in CommonJS and in ESM. A subscriber that
 * throws would surface as an uncaught exception in the user's process, so every one is guarded and reports
 * through `diagnostics`. Returns the uninstaller.
 *
 * @example
 * const uninstall = installOutboundChannels(createOutboundTracer({ tracer, propagator, lists, diagnostics }), diagnostics);
 */
export function installOutboundChannels(outbound: OutboundTracer, diagnostics: Pick<Diagnostics, 'debug'>): () => void {
  const handlers: [string, (message: unknown) => void][] = [
    ['undici:request:create', (m) => begin(outbound, (m as { request: UndiciRequest }).request, undiciView)],
    ['undici:request:headers', (m) => finish(m, (s, { response }) => s.response((response as { statusCode: number }).statusCode))],
    ['undici:request:error', (m) => finish(m, (s, { error }) => s.error(error))],
    ['http.client.request.created', (m) => begin(outbound, (m as { request: ClientRequest }).request, httpView)],
    ['http.client.response.finish', (m) => finish(m, (s, { response }) => s.response((response as IncomingMessage).statusCode ?? 0))],
    ['http.client.request.error', (m) => finish(m, (s, { error }) => s.error(error))],
  ];
  const guarded = handlers.map(([name, handler]): [string, (message: unknown) => void] => [
    name,
    (message) => {
      try {
        handler(message);
      } catch (error) {
        diagnostics.debug(`outbound instrumentation failed on ${name}; the request goes on untraced`, error);
      }
    },
  ]);
  for (const [name, handler] of guarded) subscribe(name, handler);
  return () => {
    for (const [name, handler] of guarded) unsubscribe(name, handler);
  };
}

function begin<R extends object>(outbound: OutboundTracer, request: R, view: (request: R) => OutboundRequest | undefined): void {
  const carrying = request as Carrying;
  if (carrying[SPAN] !== undefined) return;
  // Marked before starting: a request made while starting the span (none today) must not recurse.
  carrying[SPAN] = null;
  const outgoing = view(request);
  carrying[SPAN] = outgoing ? (outbound.start(outgoing) ?? null) : null;
}

function finish(message: unknown, record: (span: OutboundSpan, message: Record<string, unknown>) => void): void {
  const fields = message as Record<string, unknown>;
  const carrying = fields.request as Carrying | undefined;
  const span = carrying?.[SPAN];
  if (!span) return;
  carrying[SPAN] = null;
  record(span, fields);
}

function undiciView(request: UndiciRequest): OutboundRequest | undefined {
  const url = parseUrl(`${String(request.origin).replace(/\/$/, '')}${request.path}`);
  if (!url) return undefined;
  return {
    method: request.method,
    url,
    header: (name) => undiciHeader(request.headers, name),
    setHeader: (name, value) => {
      request.addHeader(name, value);
      return true;
    },
  };
}

function undiciHeader(headers: string[] | string, name: string): string | undefined {
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) if (headers[i]!.toLowerCase() === name) return headers[i + 1];
    return undefined;
  }
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

function httpView(request: ClientRequest): OutboundRequest | undefined {
  const host = request.getHeader('host') ?? request.host;
  const url = parseUrl(`${request.protocol}//${String(host)}${request.path}`);
  if (!url) return undefined;
  return {
    method: request.method,
    url,
    header: (name) => {
      const value = request.getHeader(name);
      return value === undefined ? undefined : Array.isArray(value) ? value.join(', ') : String(value);
    },
    // Headers given as an array are sent with the request line: too late then.
    setHeader: (name, value) => {
      if (request.headersSent) return false;
      try {
        request.setHeader(name, value);
        return true;
      } catch {
        return false;
      }
    },
  };
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
