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
 * compared decoded and case-insensitively) replaced by `REDACTED`. Rebuilt by hand: URLSearchParams would
 * re-encode every other value and change the query.
 *
 * @example
 * redactQuery('id=7&X-Amz-Signature=abc'); // 'id=7&X-Amz-Signature=REDACTED'
 */
export function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return eq !== -1 && SECRET_QUERY_PARAMS.has(safeDecode(name).toLowerCase()) ? `${name}=REDACTED` : pair;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
