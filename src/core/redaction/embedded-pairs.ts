// A key, bare or quoted (also with escaped quotes, `\"key\"`, as JSON inside a JSON string has them, any
// depth), then `:`, `=` or `=>`: JSON, JavaScript object text (what `console.log(obj)` prints, a Map's entries
// included), form-encoded data, query strings, cookies, `key: value` prose. Tried only where a word starts (the
// lookbehind) and at most 128 characters long, after at most 8 backslashes: inside a long run of word characters
// or backslashes every position would otherwise start a match that fails at its end, quadratic in the run.
const PAIR_START = /(\\{0,8}["']?)(?<![\w$.@-])([A-Za-z_$@][\w$.@-]{0,127})\1\s*(?:=>|[:=])\s*/g;
// Where an unquoted value ends: a separator of any of those forms.
const BARE_VALUE_END = /[\s&;,}\])"']/;
// A cookie header's value is every cookie on its line (`a=1; sid=…`), not the first one.
const LINE_END = /[\r\n"']/;
const COOKIE_KEY = /cookie/i;

/**
 * `text` with the value of every embedded pair whose key `isSecret` names replaced by `replacement`: a quoted
 * value keeps its quotes, an object or array value (`credentials: { … }`) is replaced whole, a bare value up
 * to its separator. A value cut short by a length limit (no closing quote or bracket) is redacted to the end.
 *
 * @example
 * redactPairs('{"user":"bob","password":"hunter2"}', (key) => key === 'password', '[REDACTED]');
 * // '{"user":"bob","password":"[REDACTED]"}'
 */
export function redactPairs(text: string, isSecret: (key: string) => boolean, replacement: string): string {
  let out: string | undefined;
  let copied = 0;
  PAIR_START.lastIndex = 0;
  for (let found = PAIR_START.exec(text); found !== null; found = PAIR_START.exec(text)) {
    const start = PAIR_START.lastIndex;
    if (start >= text.length || !isSecret(found[2]!)) continue;
    const value = valueAt(text, start, replacement, COOKIE_KEY.test(found[2]!));
    if (value.end === start || text.slice(value.start, value.end) === replacement) continue;
    out = (out ?? '') + text.slice(copied, value.start) + replacement;
    copied = value.end;
    PAIR_START.lastIndex = value.end;
  }
  return out === undefined ? text : out + text.slice(copied);
}

/** The span of the value starting at `start`: inside its quotes, its brackets included, or up to a separator. */
function valueAt(text: string, start: number, replacement: string, toLineEnd: boolean): { start: number; end: number } {
  const first = text[start]!;
  if (first === '"' || first === "'") return { start: start + 1, end: quotedEnd(text, start + 1, first) };
  if (first === '\\') {
    // An escaped quote (`\"`, `\\\"`, …) opens a string inside a string: it ends at the same sequence.
    const opening = /^\\+["']/.exec(text.slice(start, start + 16))?.[0];
    if (opening) {
      const close = text.indexOf(opening, start + opening.length);
      return { start: start + opening.length, end: close === -1 ? text.length : close };
    }
  }
  if (first === '{' || first === '[') return { start, end: bracketEnd(text, start) };
  let end = bareEnd(text, start, toLineEnd ? LINE_END : BARE_VALUE_END);
  // `Authorization: Bearer abc`: the scheme and its credential are one value (RFC 9110 §11.4).
  // Its credential may already be the marker (the Bearer pattern ran first).
  if (AUTH_SCHEME.test(text.slice(start, end)) && text[end] === ' ') {
    end = text.startsWith(replacement, end + 1) ? end + 1 + replacement.length : bareEnd(text, end + 1, BARE_VALUE_END);
  }
  return { start, end };
}

const AUTH_SCHEME = /^(?:Bearer|Basic|Digest|Token|Negotiate)$/i;

function bareEnd(text: string, from: number, stop: RegExp): number {
  let end = from;
  while (end < text.length && !stop.test(text[end]!)) end++;
  return end;
}

/** The index of the closing quote (escapes skipped), or the text's end. */
function quotedEnd(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (char === '\\') i++;
    else if (char === quote) return i;
  }
  return text.length;
}

/** Just past the bracket that closes the one at `start` (quoted text skipped), or the text's end. */
function bracketEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const char = text[i]!;
    if (char === '"' || char === "'") i = quotedEnd(text, i + 1, char);
    else if (char === '{' || char === '[') depth++;
    else if ((char === '}' || char === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}
