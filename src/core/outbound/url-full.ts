import { redactUserInfo } from '../redact-user-info.ts';
import { redactQuery } from '../secret-query.ts';

/**
 * `url.full` as the HTTP semantic conventions want it: user and password replaced by `REDACTED`, and the
 * values of signature and credential query parameters replaced by `REDACTED`.
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-full
 *
 * @example
 * urlFull(new URL('https://u:p@bucket.s3.amazonaws.com/k?X-Amz-Signature=abc')); // 'https://REDACTED:REDACTED@bucket.s3.amazonaws.com/k?X-Amz-Signature=REDACTED'
 */
export function urlFull(url: URL): string {
  const href = redactUserInfo(url.href);
  if (url.search === '') return href;
  const copy = new URL(href);
  copy.search = `?${redactQuery(copy.search.slice(1))}`;
  return copy.href;
}
