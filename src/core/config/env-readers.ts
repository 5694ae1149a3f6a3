/**
 * Typed readers for environment variables. Each reader returns the parsed value or the default, and
 * reports a bad value through `warn` with one message that names the variable and the default used.
 */
export type Env = Readonly<Record<string, string | undefined>>;
export type Warn = (message: string) => void;

const TRUTHY = new Set(['true', '1', 'yes', 'on']);
const FALSY = new Set(['false', '0', 'no', 'off']);

function raw(env: Env, key: string): string | undefined {
  const value = env[key]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

export function readString(env: Env, key: string): string | undefined {
  return raw(env, key);
}

/** A comma-separated list (`a, b,c`): its items trimmed, blanks skipped; empty when the variable is unset. */
export function readList(env: Env, key: string): string[] {
  return (raw(env, key) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function readBoolean(env: Env, key: string, fallback: boolean, warn: Warn): boolean {
  const value = raw(env, key)?.toLowerCase();
  if (value === undefined) return fallback;
  if (TRUTHY.has(value)) return true;
  if (FALSY.has(value)) return false;
  warn(`${key}="${value}" is not a boolean (true/false/1/0/yes/no/on/off); using the default ${fallback}`);
  return fallback;
}

export interface NumberRule {
  readonly min?: number;
  readonly max?: number;
  readonly integer?: boolean;
}

export function readNumber(env: Env, key: string, fallback: number, warn: Warn, rule: NumberRule = {}): number {
  const value = raw(env, key);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  const problem = numberProblem(parsed, rule);
  if (problem === undefined) return parsed;
  warn(`${key}="${value}" ${problem}; using the default ${fallback}`);
  return fallback;
}

/**
 * A number that has no fixed default (it is derived when unset): the value, or undefined when unset or bad,
 * a bad one reported with `instead` saying what is used.
 */
export function readOptionalNumber(env: Env, key: string, warn: Warn, rule: NumberRule, instead: string): number | undefined {
  const value = raw(env, key);
  if (value === undefined) return undefined;
  const problem = numberProblem(Number(value), rule);
  if (problem === undefined) return Number(value);
  warn(`${key}="${value}" ${problem}; ${instead}`);
  return undefined;
}

/** Why `value` breaks `rule`, or undefined when it is fine. Shared with option validation. */
export function numberProblem(value: number, rule: NumberRule): string | undefined {
  if (!Number.isFinite(value)) return 'is not a number';
  if (rule.integer && !Number.isInteger(value)) return 'is not an integer';
  if (rule.min !== undefined && value < rule.min) return `is below the minimum ${rule.min}`;
  if (rule.max !== undefined && value > rule.max) return `is above the maximum ${rule.max}`;
  return undefined;
}

export function readEnum<T extends string>(env: Env, key: string, allowed: readonly T[], fallback: T, warn: Warn): T {
  const value = raw(env, key)?.toLowerCase();
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  warn(`${key}="${value}" is not one of ${allowed.join(', ')}; using the default ${fallback}`);
  return fallback;
}

/**
 * Parses the W3C-baggage-like `key=value,key2=value2` lists used by `OTEL_RESOURCE_ATTRIBUTES` and
 * `OTEL_EXPORTER_OTLP_HEADERS` (values percent-decoded). A malformed entry is skipped and reported by its
 * key only, because header values are often secrets.
 */
export function readKeyValueList(env: Env, key: string, warn: Warn): Record<string, string> {
  const value = raw(env, key);
  const result: Record<string, string> = {};
  if (value === undefined) return result;
  value.split(',').forEach((entry, index) => {
    if (entry.trim() === '') return;
    const eq = entry.indexOf('=');
    const name = eq === -1 ? '' : entry.slice(0, eq).trim();
    if (name === '') {
      // The entry may be a bare secret: name its position, never its text.
      warn(`${key} entry #${index + 1} is not "key=value"; skipping it`);
      return;
    }
    try {
      result[decodeURIComponent(name)] = decodeURIComponent(entry.slice(eq + 1).trim());
    } catch {
      warn(`${key} entry #${index + 1} is not valid percent-encoding; skipping it`);
    }
  });
  return result;
}
