// Query parameters of presigned URLs whose value is a signature or a credential scope: AWS SigV4 and SigV2,
// Google Cloud Storage V4, Azure SAS (`sig`). A request carrying one is signed (never changed).
const SIGNATURE_PARAMS = ['x-amz-signature', 'x-amz-credential', 'x-goog-signature', 'x-goog-credential', 'signature', 'sig'];

/**
 * Query parameters whose value is a secret, lower-case: the semantic conventions' list for `url.full` and
 * `url.query` (`AWSAccessKeyId`, `Signature`, `sig`, `X-Goog-Signature`) plus the other presigned-URL
 * parameters that carry a signature, a credential scope or a session token. The one list for outbound
 * `url.full` and inbound `url.query`.
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-query
 *
 * @example
 * SECRET_QUERY_PARAMS.has('x-amz-security-token'); // true
 */
export const SECRET_QUERY_PARAMS: ReadonlySet<string> = new Set([...SIGNATURE_PARAMS, 'awsaccesskeyid', 'x-amz-security-token']);

/** Whether `name` (as it stands in a query, any case) is a presigned URL's signature parameter. */
export function isSignatureParam(name: string): boolean {
  return SIGNATURE_PARAMS.includes(name.toLowerCase());
}

/**
 * A query string (without `?`) with the value of every secret parameter (`SECRET_QUERY_PARAMS`, names
 * compared decoded and case-insensitively, and those `isSecret` names) replaced by `REDACTED`. Rebuilt by hand: URLSearchParams would
 * re-encode every other value and change the query.
 *
 * @example
 * redactQuery('id=7&X-Amz-Signature=abc'); // 'id=7&X-Amz-Signature=REDACTED'
 */
export function redactQuery(query: string, isSecret?: (name: string) => boolean): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      const name = pair.slice(0, eq);
      const decoded = safeDecode(name);
      return SECRET_QUERY_PARAMS.has(decoded.toLowerCase()) || isSecret?.(decoded) === true ? `${name}=REDACTED` : pair;
    })
    .join('&');
}

/**
 * A URL (or a path with a query) with its secret query parameters redacted as `redactQuery` does; the rest,
 * fragment included, unchanged.
 *
 * @example
 * redactUrlQuery('https://api.example.com/items?api_key=abc&id=7', (name) => name === 'api_key');
 * // 'https://api.example.com/items?api_key=REDACTED&id=7'
 */
export function redactUrlQuery(url: string, isSecret: (name: string) => boolean): string {
  const question = url.indexOf('?');
  if (question === -1) return url;
  const hash = url.indexOf('#', question);
  const end = hash === -1 ? url.length : hash;
  return `${url.slice(0, question + 1)}${redactQuery(url.slice(question + 1, end), isSecret)}${url.slice(end)}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
