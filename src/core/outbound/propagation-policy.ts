import { isSignatureParam } from '../secret-query.ts';
import { matchesAny, type UrlPattern } from './url-patterns.ts';

/** Which outgoing requests get `traceparent`/`tracestate`/`baggage` (a CLIENT span is made either way). */
export interface PropagationLists {
  /** Only these destinations; empty: every destination. */
  readonly propagateUrls: readonly UrlPattern[];
  /** Never these destinations; wins over `propagateUrls`. */
  readonly dontPropagateUrls: readonly UrlPattern[];
}

/** What the policy reads of a request: its URL and its headers, by lower-case name. */
export interface RequestView {
  readonly url: URL;
  header(name: string): string | undefined;
}

/**
 * A signed request is never touched: a signature covers the headers its signer saw (the AWS SDK signs every
 * header it sends, `traceparent` included when present), so a header changed afterwards fails verification,
 * and AWS service APIs do not read W3C context anyway. Signed: an `Authorization` of the SigV4/SigV4a
 * scheme (`AWS4-…`), or a presigned URL's signature in the query.
 */
export function isSigned(request: RequestView): boolean {
  if (/^AWS4-/i.test(request.header('authorization') ?? '')) return true;
  for (const name of request.url.searchParams.keys()) if (isSignatureParam(name)) return true;
  return false;
}

/**
 * Whether to inject the trace context into `request`: never into a signed request (see `isSigned`) or one
 * that already carries a `traceparent` (the caller propagated on purpose); never to a `dontPropagateUrls`
 * destination; and, when `propagateUrls` is not empty, only to those.
 *
 * @example
 * const lists = { propagateUrls: ['*.internal.example.com'], dontPropagateUrls: [] };
 * shouldPropagate(lists, { url: new URL('https://orders.internal.example.com/'), header: () => undefined }); // true
 */
export function shouldPropagate(lists: PropagationLists, request: RequestView): boolean {
  if (isSigned(request) || request.header('traceparent') !== undefined) return false;
  if (matchesAny(request.url, lists.dontPropagateUrls)) return false;
  return lists.propagateUrls.length === 0 || matchesAny(request.url, lists.propagateUrls);
}
