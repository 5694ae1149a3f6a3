import { httpSpanStart } from '../http.ts';
import type { Span } from '@opentelemetry/api';
import { recordHttpStatus } from '../../core/http-status.ts';
import type { TriggerAdapter } from '../../core/trigger.ts';

/** The request and, when the user knows it, the route template that matched. */
export interface FetchEvent {
  readonly request: Request;
  readonly route?: string;
}

function headersObject(headers: Headers): Record<string, string> {
  const object: Record<string, string> = {};
  headers.forEach((value, name) => {
    object[name] = value;
  });
  return object;
}

/**
 * A fetch-style request (Workers, Vercel/Netlify Edge, Deno.serve): SERVER span per the HTTP semantic
 * conventions, parent from W3C headers, status from the Response.
 */
export const edgeFetch: TriggerAdapter<FetchEvent> = {
  name: 'edge-fetch',
  spanStart: ({ request, route }: FetchEvent) => {
    const url = new URL(request.url);
    const headers = headersObject(request.headers);
    return httpSpanStart({
      method: request.method,
      route,
      path: url.pathname,
      query: url.search ? url.search.slice(1) : undefined,
      scheme: url.protocol.replace(':', ''),
      headers: { ...headers, host: headers.host ?? url.host },
      clientAddress: headers['cf-connecting-ip'] ?? headers['x-real-ip'] ?? headers['x-forwarded-for']?.split(',')[0]?.trim(),
    });
  },
  onResult: (span: Span, result: unknown) => {
    if (!(typeof Response !== 'undefined' && result instanceof Response)) return;
    recordHttpStatus(span, result.status, 'server');
  },
};
