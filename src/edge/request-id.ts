import type { Attributes } from '@opentelemetry/api';
import type { EdgeRuntimeName } from './detect-runtime.ts';

// The header in which each platform sends its own id of a request; its edge sets it, so a client cannot.
const PLATFORM_HEADER: Partial<Record<EdgeRuntimeName, string>> = {
  workerd: 'cf-ray',
  'vercel-edge': 'x-vercel-id',
  'netlify-edge': 'x-nf-request-id',
};
const ANY_PLATFORM_HEADER = ['cf-ray', 'x-vercel-id', 'x-nf-request-id'] as const;

// The ids these platforms send are short ASCII (a Cloudflare ray id is 16 hex digits and a colo, a Vercel
// id two region names and a few dozen characters): anything else is not one of them.
const PLAUSIBLE_ID = /^[\w.:-]{1,128}$/;

/**
 * `faas.invocation_id` for a request: the platform's own request id on Cloudflare, Vercel and Netlify; on a
 * server of our own (Deno, Node) any of those headers may come from the client, or from such a platform in
 * front of it, so the first is taken only when it looks like one (short, plain characters).
 *
 * @example
 * requestIdOf(new Request('https://a.test', { headers: { 'cf-ray': '8f1b2c3d4e5f6a7b-FRA' } }), 'workerd');
 * // { 'faas.invocation_id': '8f1b2c3d4e5f6a7b-FRA' }
 */
export function requestIdOf(request: Request, runtime: EdgeRuntimeName): Attributes {
  const own = PLATFORM_HEADER[runtime];
  const headers = own ? [own] : ANY_PLATFORM_HEADER;
  for (const header of headers) {
    const id = request.headers.get(header);
    if (id !== null) return PLAUSIBLE_ID.test(id) ? { 'faas.invocation_id': id } : {};
  }
  return {};
}
