import { printable } from '../printable.ts';

// RFC 9110 §5.6.2: field-name = token = 1*tchar.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 §5.5: a field value is visible ASCII, obs-text (0x80-0xFF), spaces and tabs; never CR, LF, NUL or
// another control, and never a character past 0xFF (a JavaScript header value is a byte string). Both
// `http.request` and `fetch` throw on anything else; surrounding spaces they trim or keep, so those pass.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * Why a header cannot be sent as given (a sentence that names the header, never its value, which is often
 * a secret), or undefined when HTTP allows it.
 *
 * @example
 * headerProblem('x-api-key', 'caf€'); // 'header "x-api-key" has a value HTTP does not allow (RFC 9110 §5.5)'
 */
export function headerProblem(name: string, value: unknown): string | undefined {
  if (!TOKEN.test(name)) return `header name "${printable(name, 40)}" is not an HTTP token (RFC 9110 §5.6.2)`;
  if (typeof value !== 'string' || !FIELD_VALUE.test(value)) return `header "${name}" has a value HTTP does not allow (RFC 9110 §5.5)`;
  return undefined;
}

/** The problem of the first header HTTP does not allow, if any. */
export function firstHeaderProblem(headers: Readonly<Record<string, unknown>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem) return problem;
  }
  return undefined;
}
