// C0 controls (ESC starts an ANSI sequence; CR and LF start a new line), DEL, C1 controls, the Unicode line and
// paragraph separators and the bidirectional overrides that can make a line read as something else
// (https://trojansource.codes/).
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const escapeChar = (char: string): string => {
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/**
 * A string someone else controls (a collector's `partial_success` message, an HTTP status text) made safe
 * for a diagnostic line: control characters escaped as `\xNN` or `\uNNNN`, so it can neither end the line
 * and forge one of ours nor repaint a terminal, and cut to `maxLength` characters with an ellipsis.
 *
 * @example
 * printable('ok\n[faas-observability] forged\x1b[2J'); // 'ok\\x0a[faas-observability] forged\\x1b[2J'
 */
export function printable(text: string, maxLength = 200): string {
  const escaped = text.slice(0, maxLength).replace(UNSAFE, escapeChar);
  if (escaped.length <= maxLength && text.length <= maxLength) return escaped;
  // Never end on half an escape: the cut would read as a different character.
  return `${escaped.slice(0, maxLength).replace(/\\(?:x[0-9a-f]?|u[0-9a-f]{0,3})?$/, '')}…`;
}
