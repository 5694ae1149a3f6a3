import { DEFAULT_SECRET_KEYS } from '../redaction/secret-keys.ts';
import { readBoolean, readList, readString, type Env, type Warn } from './env-readers.ts';
import type { ObservabilityOptions, RedactOptions } from './options.ts';
import type { RedactionConfig } from './resolved-config.ts';

export const DEFAULT_REPLACEMENT = '[REDACTED]';

/**
 * Redaction from `options.redact`, then `FAAS_OBSERVABILITY_REDACT`, `…_REDACT_KEYS`, `…_REDACT_DEFAULT_KEYS`,
 * `…_REDACT_PATTERNS`, `…_REDACT_DEFAULT_PATTERNS`, `…_REDACT_REPLACEMENT` and `…_REDACT_STDOUT`. On by
 * default; undefined when turned off. Every setting is read (and a bad one reported) either way.
 *
 * @example
 * readRedaction({ redact: { keys: ['ssn'] } }, {}, console.warn)?.keys.includes('ssn'); // true
 */
export function readRedaction(options: ObservabilityOptions, env: Env, warn: Warn): RedactionConfig | undefined {
  const given: RedactOptions = options.redact === false ? {} : (options.redact ?? {});
  const on = options.redact === false ? false : readBoolean(env, 'FAAS_OBSERVABILITY_REDACT', true, warn);
  const extraKeys = given.keys ?? readList(env, 'FAAS_OBSERVABILITY_REDACT_KEYS');
  const defaultKeys = given.defaultKeys ?? readBoolean(env, 'FAAS_OBSERVABILITY_REDACT_DEFAULT_KEYS', true, warn);
  const config: RedactionConfig = Object.freeze({
    keys: Object.freeze([...(defaultKeys ? DEFAULT_SECRET_KEYS : []), ...stringsOf(extraKeys, 'redact.keys', warn)]),
    defaultPatterns: given.defaultPatterns ?? readBoolean(env, 'FAAS_OBSERVABILITY_REDACT_DEFAULT_PATTERNS', true, warn),
    patterns: Object.freeze(given.patterns ? patternsOf(given.patterns, warn) : envPatterns(env, warn)),
    replacement: replacementOf(given.replacement ?? readString(env, 'FAAS_OBSERVABILITY_REDACT_REPLACEMENT'), warn),
    stdout: given.stdout ?? readBoolean(env, 'FAAS_OBSERVABILITY_REDACT_STDOUT', false, warn),
    decide: typeof given.decide === 'function' ? given.decide : undefined,
  });
  if (given.decide !== undefined && config.decide === undefined) warn('option redact.decide is not a function; ignoring it');
  return on ? config : undefined;
}

function stringsOf(keys: readonly unknown[], name: string, warn: Warn): string[] {
  if (!Array.isArray(keys)) {
    warn(`option ${name} is not an array of key names; ignoring it`);
    return [];
  }
  const names = keys.filter((key): key is string => typeof key === 'string' && key.trim() !== '');
  if (names.length < keys.length) warn(`option ${name} holds ${keys.length - names.length} item(s) that are not key names; ignoring them`);
  return names;
}

function patternsOf(patterns: readonly unknown[], warn: Warn): RegExp[] {
  const valid = Array.isArray(patterns) ? patterns.filter((pattern): pattern is RegExp => pattern instanceof RegExp) : [];
  if (!Array.isArray(patterns) || valid.length < patterns.length)
    warn('option redact.patterns holds items that are not RegExp; ignoring them');
  return valid.map(globalOf);
}

/** `FAAS_OBSERVABILITY_REDACT_PATTERNS`: a JSON array of regular expression sources, or one source. */
function envPatterns(env: Env, warn: Warn): RegExp[] {
  const text = readString(env, 'FAAS_OBSERVABILITY_REDACT_PATTERNS');
  if (text === undefined) return [];
  let sources: unknown = [text];
  if (text.trimStart().startsWith('[')) {
    try {
      sources = JSON.parse(text);
    } catch {
      warn('FAAS_OBSERVABILITY_REDACT_PATTERNS starts with [ but is not a JSON array of strings; ignoring it');
      return [];
    }
  }
  const patterns: RegExp[] = [];
  for (const source of Array.isArray(sources) ? sources : [sources]) {
    try {
      if (typeof source !== 'string' || source === '') throw new Error('not a non-empty string');
      patterns.push(new RegExp(source, 'g'));
    } catch (error) {
      warn(
        `FAAS_OBSERVABILITY_REDACT_PATTERNS: ${JSON.stringify(source)} is not a regular expression (${(error as Error).message}); ignoring it`,
      );
    }
  }
  return patterns;
}

function replacementOf(value: unknown, warn: Warn): string {
  if (value === undefined) return DEFAULT_REPLACEMENT;
  if (typeof value === 'string' && value !== '') return value;
  warn(`the redaction replacement must be a non-empty string; using ${DEFAULT_REPLACEMENT}`);
  return DEFAULT_REPLACEMENT;
}

function globalOf(pattern: RegExp): RegExp {
  return pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
}
