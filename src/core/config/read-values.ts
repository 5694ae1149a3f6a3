import { numberProblem, readString, type Env, type NumberRule, type Warn } from './env-readers.ts';
import { OTLP_COMPRESSIONS, type ConsoleFormat, type OtlpCompression } from './options.ts';
import { DEFAULTS } from './defaults.ts';
import { CONSOLE_FORMATS } from './console-controls.ts';
import { redactUserInfo } from '../redact-user-info.ts';

export const POSITIVE_MS: NumberRule = { min: 1, max: 900_000 };
export const NON_NEGATIVE_MS: NumberRule = { min: 0, max: 900_000 };
export const BUFFER_BYTES: NumberRule = { min: 64 * 1024, integer: true };

/** Validates option values the same way as env values: a bad one is reported and ignored. */
export function optionReader(warn: Warn) {
  return {
    number(name: string, value: number | undefined, rule: NumberRule): number | undefined {
      if (value === undefined) return undefined;
      const problem = typeof value === 'number' ? numberProblem(value, rule) : 'is not a number';
      if (problem === undefined) return value;
      warn(`option ${name}=${String(value)} ${problem}; ignoring it`);
      return undefined;
    },
    url(value: string | undefined, name: string): string | undefined {
      if (value === undefined) return undefined;
      if (isHttpUrl(value)) return value;
      warn(`option ${name}="${redactUrl(value)}" is not an http(s) URL; ignoring it`);
      return undefined;
    },
    compression(value: OtlpCompression | undefined): OtlpCompression | undefined {
      if (value === undefined || OTLP_COMPRESSIONS.includes(value)) return value;
      warn(`option compression="${String(value)}" is not one of ${OTLP_COMPRESSIONS.join(', ')}; ignoring it`);
      return undefined;
    },
    consoleFormat(value: ConsoleFormat | undefined): ConsoleFormat | undefined {
      if (value === undefined || CONSOLE_FORMATS.includes(value)) return value;
      warn(`option consoleFormat="${String(value)}" is not one of ${CONSOLE_FORMATS.join(', ')}; ignoring it`);
      return undefined;
    },
  };
}

export type OptionReader = ReturnType<typeof optionReader>;

export function readUrl(env: Env, key: string, warn: Warn): string | undefined {
  const value = readString(env, key);
  if (value === undefined || isHttpUrl(value)) return value;
  warn(`${key}="${redactUrl(value)}" is not an http(s) URL; ignoring it (the default is ${DEFAULTS.endpoint})`);
  return undefined;
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/** URLs may carry credentials (`https://user:token@host`): never printed. */
function redactUrl(value: string): string {
  return redactUserInfo(value).slice(0, 200);
}

export function joinPath(base: string, path: string): string {
  return base.endsWith('/') ? base + path : `${base}/${path}`;
}
