/**
 * A credential recognised by its shape, whatever key (if any) it stands under. `find` is global; what it
 * matches is replaced by the marker (after the text of its first group, with `keepPrefix`: `Bearer `).
 */
export interface ValuePattern {
  readonly name: string;
  readonly find: RegExp;
  /** Keep the first group's text (the scheme of an `Authorization` credential). */
  readonly keepPrefix?: boolean;
  /** Whether a match is the credential and not prose that looks like it (`Basic information`). */
  readonly confirm?: (match: string) => boolean;
  /** Only searched when the text also holds this (an AWS secret access key is 40 characters of base64). */
  readonly onlyWith?: RegExp;
}

// A token68 credential (RFC 9110 §11.2) of some length and with a character prose rarely has.
const looksLikeToken = (credential: string) => credential.length >= 12 && /[0-9\-._~+/=]/.test(credential);

/** The credentials of the `Authorization` schemes and of the common token formats. */
export const DEFAULT_VALUE_PATTERNS: readonly ValuePattern[] = [
  {
    name: 'bearer credential',
    find: /\b(Bearer\s+)([A-Za-z0-9\-._~+/]+=*)/gi,
    keepPrefix: true,
    confirm: (match) => looksLikeToken(match.replace(/^\S+\s+/, '')),
  },
  {
    // user:password in base64 (RFC 7617); prose after "Basic" rarely decodes to text with a colon.
    name: 'basic credential',
    find: /\b(Basic\s+)([A-Za-z0-9+/]{4,}={0,2})/gi,
    keepPrefix: true,
    confirm: (match) => decodesToUserPass(match.replace(/^\S+\s+/, '')),
  },
  // A JSON Web Token: base64url JSON header and payload, both starting `{"` (RFC 7519 §3). Not `\b`: it holds
  // before every `eyJ` inside a run of base64url characters, and the search would be quadratic in the run.
  { name: 'JWT', find: /(?<![\w-])eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?/g },
  {
    // A secret access key is 40 characters of base64; alone it is indistinguishable from a hash, so only
    // beside an access key id (AKIA: long-term, ASIA: temporary credentials).
    name: 'AWS secret access key',
    find: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    onlyWith: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/,
  },
  // PEM (RFC 7468), also a block cut short by a length limit.
  { name: 'private key block', find: /-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|$)/g },
  // Tokens whose issuers give them a fixed prefix so scanners can find them.
  { name: 'GitHub token', find: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/g },
  { name: 'Slack token', find: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { name: 'Stripe secret key', find: /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}/g },
  { name: 'Google API key', find: /\bAIza[0-9A-Za-z_-]{35}/g },
];

/**
 * Texts that may hold one of the default patterns: one search that most log lines fail, so the patterns
 * themselves run only on the few that pass.
 */
export const DEFAULT_PATTERN_HINT =
  /bearer\s|basic\s|eyJ|A[KS]IA|-----BEGIN|gh[pousr]_|github_pat_|xox[abposr]-|[rs]k_(?:live|test)_|AIza/i;

function decodesToUserPass(base64: string): boolean {
  if (base64.length % 4 !== 0) return false;
  try {
    const text = atob(base64);
    return text.includes(':') && /^[\x20-\x7e]+$/.test(text);
  } catch {
    return false;
  }
}
