// Query values that are credentials: the semantic conventions' list (url.full) plus the SigV4 and GCS V4
// presigned-URL parameters that carry a signature, a credential scope or a session token.
const SECRET_PARAMS = new Set([
  'awsaccesskeyid',
  'signature',
  'sig',
  'x-goog-signature',
  'x-goog-credential',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
]);

/**
 * `url.full` as the HTTP semantic conventions want it: user and password replaced by `REDACTED`, and the
 * values of signature and credential query parameters replaced by `REDACTED`.
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-full
 *
 * @example
 * urlFull(new URL('https://u:p@bucket.s3.amazonaws.com/k?X-Amz-Signature=abc')); // 'https://REDACTED:REDACTED@bucket.s3.amazonaws.com/k?X-Amz-Signature=REDACTED'
 */
export function urlFull(url: URL): string {
  const copy = new URL(url.href);
  if (copy.username !== '' || copy.password !== '') {
    copy.username = 'REDACTED';
    copy.password = 'REDACTED';
  }
  if (copy.search === '') return copy.href;
  copy.search = `?${redactQuery(copy.search.slice(1))}`;
  return copy.href;
}

/**
 * A query string (without `?`) with the values of signature and credential parameters replaced by
 * `REDACTED`, as the HTTP semantic conventions want `url.query` (inbound requests) and `url.full`:
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-query
 *
 * @example
 * redactQuery('id=7&X-Amz-Signature=abc'); // 'id=7&X-Amz-Signature=REDACTED'
 */
export function redactQuery(query: string): string {
  // Rebuilt by hand: URLSearchParams would re-encode every other value and change the query.
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq === -1 ? pair : pair.slice(0, eq);
      return eq !== -1 && SECRET_PARAMS.has(safeDecode(name).toLowerCase()) ? `${name}=REDACTED` : pair;
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
