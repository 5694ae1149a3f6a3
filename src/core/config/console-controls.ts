import { SeverityNumber } from '@opentelemetry/api';
import { readEnum, readString, type Env, type Warn } from './env-readers.ts';
import type { ConsoleFormat } from './options.ts';

/** The console formats a user may choose (`lambda-json` is what `AWS_LAMBDA_LOG_FORMAT=JSON` selects). */
export const CONSOLE_FORMATS: readonly ConsoleFormat[] = ['text', 'json', 'lambda-json', 'off'];

// The levels of Lambda's advanced logging controls, each the lowest severity the runtime client lets
// through (aws-lambda-ric 4 `LOG_LEVEL`: TRACE < DEBUG < INFO < WARN < ERROR < FATAL).
const LAMBDA_LEVELS: Record<string, SeverityNumber> = {
  TRACE: SeverityNumber.TRACE,
  DEBUG: SeverityNumber.DEBUG,
  INFO: SeverityNumber.INFO,
  WARN: SeverityNumber.WARN,
  ERROR: SeverityNumber.ERROR,
  FATAL: SeverityNumber.FATAL,
};

/** How console lines are filtered and written, from the options and Lambda's logging controls. */
export interface ConsoleControls {
  readonly format: ConsoleFormat;
  /** Console calls below this severity become neither a record nor a line (`AWS_LAMBDA_LOG_LEVEL`). */
  readonly minSeverity: SeverityNumber;
}

/**
 * Reads Lambda's advanced logging controls as the runtime client does (aws-lambda-ric 4 `determineLogLevel`,
 * `determineLogFormat`): `AWS_LAMBDA_LOG_LEVEL` (case-insensitive; unknown or unset: TRACE, everything) and
 * `AWS_LAMBDA_LOG_FORMAT=JSON`, which selects the `lambda-json` line unless a console format was chosen
 * explicitly (the option, then `FAAS_OBSERVABILITY_CONSOLE_FORMAT`).
 *
 * @example
 * readConsoleControls(undefined, { AWS_LAMBDA_LOG_LEVEL: 'WARN', AWS_LAMBDA_LOG_FORMAT: 'JSON' }, 'text', console.warn);
 * // { format: 'lambda-json', minSeverity: 13 }
 */
export function readConsoleControls(
  optionFormat: ConsoleFormat | undefined,
  env: Env,
  fallback: ConsoleFormat,
  warn: Warn,
): ConsoleControls {
  const lambdaFormat = readString(env, 'AWS_LAMBDA_LOG_FORMAT')?.toUpperCase();
  if (lambdaFormat !== undefined && lambdaFormat !== 'JSON' && lambdaFormat !== 'TEXT') {
    warn(`AWS_LAMBDA_LOG_FORMAT="${lambdaFormat}" is not JSON or TEXT; using TEXT, as the runtime does`);
  }
  const runtimeFormat = lambdaFormat === 'JSON' ? 'lambda-json' : fallback;
  const format = optionFormat ?? readEnum<ConsoleFormat>(env, 'FAAS_OBSERVABILITY_CONSOLE_FORMAT', CONSOLE_FORMATS, runtimeFormat, warn);
  // The runtime client ignores a level it does not know (it logs everything); so do we, with a warning.
  const level = readString(env, 'AWS_LAMBDA_LOG_LEVEL')?.toUpperCase();
  const known = level !== undefined && level in LAMBDA_LEVELS;
  if (level !== undefined && !known)
    warn(`AWS_LAMBDA_LOG_LEVEL="${level}" is not one of ${Object.keys(LAMBDA_LEVELS).join(', ')}; keeping every level`);
  return { format, minSeverity: known ? LAMBDA_LEVELS[level]! : SeverityNumber.UNSPECIFIED };
}
