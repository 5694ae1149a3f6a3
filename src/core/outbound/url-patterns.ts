/**
 * A destination in a propagation list: a RegExp (tested against the URL without credentials), or a string:
 * `*` (every URL), a URL prefix (`https://api.example.com/v1`, contains `://`), a host (`api.example.com`)
 * or every subdomain of one (`*.example.com`).
 */
export type UrlPattern = string | RegExp;

/** Whether `url` is one of `patterns`. */
export function matchesAny(url: URL, patterns: readonly UrlPattern[]): boolean {
  return patterns.some((pattern) => matches(url, pattern));
}

function matches(url: URL, pattern: UrlPattern): boolean {
  if (pattern instanceof RegExp) return pattern.test(withoutCredentials(url));
  const text = pattern.trim().toLowerCase();
  if (text === '*') return true;
  if (text.includes('://')) return `${url.origin}${url.pathname}`.toLowerCase().startsWith(text);
  const host = url.hostname.toLowerCase();
  return text.startsWith('*.') ? host.endsWith(text.slice(1)) : host === text;
}

function withoutCredentials(url: URL): string {
  if (url.username === '' && url.password === '') return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}
