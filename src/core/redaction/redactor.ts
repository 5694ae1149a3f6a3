import type { AnyValue, AttributeValue, Attributes } from '@opentelemetry/api';
import type { RedactDecision } from '../config/options.ts';
import type { RedactionConfig } from '../config/resolved-config.ts';
import { redactUserInfo } from '../redact-user-info.ts';
import { redactQuery, redactUrlQuery } from '../secret-query.ts';
import { redactPairs } from './embedded-pairs.ts';
import { SecretKeyMatcher } from './secret-keys.ts';
import { DEFAULT_PATTERN_HINT, DEFAULT_VALUE_PATTERNS, type ValuePattern } from './secret-values.ts';

// Attributes that hold a URL (and url.query, a query alone): redacted per parameter, as the conventions write url.full.
const URL_KEYS = new Set(['url.full', 'http.url', 'http.target', 'url.original']);
// Deeper than any log body a console call builds; a deeper map from the logs API is replaced, not walked.
const MAX_DEPTH = 16;

/**
 * Replaces secrets in what is exported: values under keys that name a secret, credentials recognised by their
 * shape, secret pairs embedded in text (JSON, form data, query strings, cookies, printed objects). Works on
 * values already formatted and bounded, so it never runs a getter or a `toString`; a user function that
 * throws leaves the rules' verdict.
 *
 * @example
 * const redactor = new Redactor(config.redaction);
 * redactor.text('login {"user":"bob","password":"hunter2"}'); // 'login {"user":"bob","password":"[REDACTED]"}'
 */
export class Redactor {
  readonly replacement: string;
  /** Whether the console line is redacted too. */
  readonly stdout: boolean;
  readonly #keys: SecretKeyMatcher;
  readonly #hinted: readonly ValuePattern[];
  readonly #always: readonly ValuePattern[];
  readonly #decide: RedactDecision | undefined;
  readonly #isSecret = (key: string): boolean => this.#keys.matches(key);

  constructor(config: RedactionConfig) {
    this.replacement = config.replacement;
    this.stdout = config.stdout;
    this.#keys = new SecretKeyMatcher(config.keys);
    this.#hinted = config.defaultPatterns ? DEFAULT_VALUE_PATTERNS : [];
    this.#always = config.patterns.map((find, i) => ({ name: `pattern ${i + 1}`, find }));
    this.#decide = config.decide;
  }

  isSecretKey(key: string): boolean {
    return this.#keys.matches(key);
  }

  /** A string value (under `key`, when it has one) as it may be exported. */
  text(value: string, key?: string): string {
    const redacted = this.#rules(value, key);
    return this.#decide ? this.#lastWord(key, value, redacted) : redacted;
  }

  /** Redacts attributes in place (a record's own copy): secret keys, then every string value. */
  attributes(attributes: Attributes): void {
    for (const key of Object.keys(attributes)) {
      const value = attributes[key];
      if (value !== undefined && value !== null) attributes[key] = this.#attribute(key, value);
    }
  }

  /** A log body or an attribute of the logs API, walked to `MAX_DEPTH`. */
  anyValue(value: AnyValue, key?: string, depth = 0): AnyValue {
    if (typeof value === 'string') return this.text(value, key);
    const secret = key !== undefined && this.#keys.matches(key);
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) {
      return secret ? this.text(String(value), key) : value;
    }
    // An object or array under a secret key is replaced whole, as in printed text.
    if (secret || depth >= MAX_DEPTH) return this.replacement;
    if (Array.isArray(value)) return value.map((item) => this.anyValue(item as AnyValue, key, depth + 1));
    const copy: Record<string, AnyValue> = {};
    for (const name of Object.keys(value)) copy[name] = this.anyValue((value as Record<string, AnyValue>)[name]!, name, depth + 1);
    return copy;
  }

  #attribute(key: string, value: AttributeValue): AttributeValue {
    if (typeof value === 'string') return this.text(value, key);
    if (Array.isArray(value)) {
      if (this.#keys.matches(key)) return this.text(String(value), key);
      return value.map((item) => (typeof item === 'string' ? this.text(item, key) : item)) as AttributeValue;
    }
    return this.#keys.matches(key) ? this.text(String(value), key) : value;
  }

  #rules(value: string, key: string | undefined): string {
    if (key !== undefined) {
      if (this.#keys.matches(key)) return this.replacement;
      if (key === 'url.query') return this.#patterns(redactQuery(value, this.#isSecret));
      if (URL_KEYS.has(key)) return this.#patterns(this.#url(value));
    }
    return redactPairs(this.#patterns(value), this.#isSecret, this.replacement);
  }

  /** A URL as the conventions write `url.full`: user info and secret query parameters `REDACTED`, secret pairs in the fragment too (an OAuth implicit grant's `#access_token=`). */
  #url(value: string): string {
    const url = redactUserInfo(redactUrlQuery(value, this.#isSecret));
    const hash = url.indexOf('#');
    return hash === -1 ? url : url.slice(0, hash + 1) + redactPairs(url.slice(hash + 1), this.#isSecret, this.replacement);
  }

  #patterns(value: string): string {
    let text = value;
    if (this.#hinted.length > 0 && DEFAULT_PATTERN_HINT.test(text)) for (const pattern of this.#hinted) text = this.#apply(pattern, text);
    for (const pattern of this.#always) text = this.#apply(pattern, text);
    return text;
  }

  #apply({ find, confirm, onlyWith, keepPrefix }: ValuePattern, text: string): string {
    if (onlyWith && !onlyWith.test(text)) return text;
    return text.replace(find, (match: string, prefix?: unknown) => {
      if (match === '' || (confirm && !confirm(match))) return match;
      return (keepPrefix && typeof prefix === 'string' ? prefix : '') + this.replacement;
    });
  }

  #lastWord(key: string | undefined, value: string, redacted: string): string {
    try {
      const decided = this.#decide!({ key, value, redacted });
      return typeof decided === 'string' ? decided : redacted;
    } catch {
      return redacted;
    }
  }
}
