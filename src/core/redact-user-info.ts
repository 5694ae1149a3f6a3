// `//user:password@`: what stands between `//` and the first `@` before the path (not anchored: a bad
// endpoint in a warning may have anything before its scheme).
const USER_INFO = /\/\/[^/?#@]*@/;

/**
 * A URL, or a string meant as one (a bad endpoint in a warning), with its user and password replaced by
 * `REDACTED:REDACTED`, as the semantic conventions want them in `url.full`; anything else unchanged. The one
 * credential stripping for span attributes and configuration warnings.
 * https://opentelemetry.io/docs/specs/semconv/registry/attributes/url/#url-full
 *
 * @example
 * redactUserInfo('https://user:token@collector.example.com/v1'); // 'https://REDACTED:REDACTED@collector.example.com/v1'
 */
export function redactUserInfo(url: string): string {
  return url.replace(USER_INFO, '//REDACTED:REDACTED@');
}
