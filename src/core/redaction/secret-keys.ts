/**
 * The key names whose values are redacted by default, written as words: a key matches when one of its word
 * parts is one of these, when a run of two or three adjacent parts spells one (`x-api-key` → `apikey`), or
 * when a part ends in one of five letters or more (`dbPassword`, `accesstoken`). The union of Sentry's
 * header snippets and its server-side scrubbing list, Datadog's payload keys and the OAuth 2.0 and AWS names.
 * https://docs.sentry.io/security-legal-pii/scrubbing/server-side-scrubbing/
 * https://github.com/getsentry/sentry-javascript/blob/develop/packages/core/src/utils/request.ts
 * Bare `key` is not among them (an S3 object key, a DynamoDB key, a cache key); its compounds are. Nor is
 * `tokens` (a language model's token counts: `max_tokens`, `inputTokens`); the other plurals are.
 */
export const DEFAULT_SECRET_KEYS: readonly string[] = [
  'authorization',
  'auth',
  'cookie',
  'cookies',
  'set-cookie',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'api-key',
  'api-keys',
  'apikey',
  'apikeys',
  'access-key',
  'private-key',
  'privatekey',
  'secret-key',
  'signing-key',
  'encryption-key',
  'client-key',
  'master-key',
  'account-key',
  'subscription-key',
  'functions-key',
  'credential',
  'credentials',
  'session',
  'jwt',
  'bearer',
  'sso',
  'saml',
  'csrf',
  'xsrf',
  'signature',
  'mysql-pwd',
];

/**
 * Endings of names that contain a secret's word but name no secret: pagination tokens, and the identifiers of a secret
 * (AWS Secrets Manager's `SecretId`, `ARN`, `Name`) that a call logs beside its result.
 */
const NOT_SECRET = [
  'next-token',
  'continuation-token',
  'page-token',
  'pagination-token',
  'secret-id',
  'secret-arn',
  'secret-name',
  'access-key-id',
];

// Longer keys are judged by their start: the acronym split below backtracks over a run of capitals.
const MAX_KEY_LENGTH = 256;

/** A key's words, lower-case: split at separators and at lower→upper and ACRONYMWord boundaries. */
export function wordsOf(key: string): string[] {
  return key
    .slice(0, MAX_KEY_LENGTH)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

const joined = (name: string) => wordsOf(name).join('');
// Long enough that a word ending in it is that word with a prefix (`dbpassword`), not another word (`monkey`).
const MIN_SUFFIX_LENGTH = 5;
// Past this many distinct keys the answers are forgotten: a handler logging generated keys cannot grow it.
const MEMO_LIMIT = 2048;

/**
 * Answers "does this key name a secret?" for every property and attribute key of every record, so it
 * remembers its answers: the same few dozen keys recur on every invocation.
 *
 * @example
 * const keys = new SecretKeyMatcher(DEFAULT_SECRET_KEYS);
 * keys.matches('X-Api-Key'); // true
 * keys.matches('author'); // false
 */
export class SecretKeyMatcher {
  readonly #terms: ReadonlySet<string>;
  readonly #suffixes: readonly string[];
  readonly #notSecret: ReadonlySet<string>;
  readonly #memo = new Map<string, boolean>();

  constructor(names: readonly string[]) {
    this.#terms = new Set(names.map(joined).filter((term) => term !== ''));
    this.#suffixes = [...this.#terms].filter((term) => term.length >= MIN_SUFFIX_LENGTH);
    this.#notSecret = new Set(NOT_SECRET.map(joined));
  }

  matches(key: string): boolean {
    let answer = this.#memo.get(key);
    if (answer === undefined) {
      answer = this.#decide(key);
      if (this.#memo.size >= MEMO_LIMIT) this.#memo.clear();
      this.#memo.set(key, answer);
    }
    return answer;
  }

  #decide(key: string): boolean {
    const words = wordsOf(key);
    if (words.length === 0 || this.#isNotSecret(words.join(''))) return false;
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      if (this.#terms.has(word)) return true;
      if (i + 1 < words.length && this.#terms.has(word + words[i + 1]!)) return true;
      if (i + 2 < words.length && this.#terms.has(word + words[i + 1]! + words[i + 2]!)) return true;
      for (const suffix of this.#suffixes) if (word.length > suffix.length && word.endsWith(suffix)) return true;
    }
    return false;
  }

  #isNotSecret(whole: string): boolean {
    for (const name of this.#notSecret) if (whole.endsWith(name)) return true;
    return false;
  }
}
