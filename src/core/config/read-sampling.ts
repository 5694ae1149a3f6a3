import { SeverityNumber } from '@opentelemetry/api';
import { readBoolean, readEnum, readOptionalNumber, type Env, type Warn } from './env-readers.ts';
import type { LogLevelName, ObservabilityOptions } from './options.ts';
import type { SamplingConfig } from './resolved-config.ts';

const LEVELS: Record<LogLevelName, SeverityNumber> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};
const LEVEL_NAMES = Object.keys(LEVELS) as LogLevelName[];

/**
 * Tail sampling from `options.sampling`, then `FAAS_OBSERVABILITY_TAIL_SAMPLING`,
 * `FAAS_OBSERVABILITY_KEEP_FAILED`, `FAAS_OBSERVABILITY_KEEP_LOG_LEVEL`, `FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS` and
 * `FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL`. Undefined when tail sampling is off (the default).
 *
 * @example
 * readSampling({}, { FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true' }, console.warn);
 * // { keepFailed: true, keepSeverity: 17, keepSlowerThanMs: undefined, exportSeverity: undefined }
 */
export function readSampling(options: ObservabilityOptions, env: Env, warn: Warn): SamplingConfig | undefined {
  const given = options.sampling ?? {};
  const tail = given.tail ?? readBoolean(env, 'FAAS_OBSERVABILITY_TAIL_SAMPLING', false, warn);
  const keepFailed = given.keepFailed ?? readBoolean(env, 'FAAS_OBSERVABILITY_KEEP_FAILED', true, warn);
  const keepLevel =
    level(given.keepLogLevel, 'sampling.keepLogLevel', warn) ??
    readEnum<LogLevelName | 'off'>(env, 'FAAS_OBSERVABILITY_KEEP_LOG_LEVEL', [...LEVEL_NAMES, 'off'], 'error', warn);
  const exportLevel =
    level(given.exportLogLevel, 'sampling.exportLogLevel', warn) ??
    readEnum<LogLevelName | 'all'>(env, 'FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL', [...LEVEL_NAMES, 'all'], 'all', warn);
  const slower = given.keepSlowerThanMs;
  const validSlower = typeof slower === 'number' && Number.isFinite(slower) && slower >= 0;
  if (slower !== undefined && !validSlower)
    warn(`option sampling.keepSlowerThanMs=${String(slower)} is not a number of 0 or more; ignoring it`);
  // Every setting is read (and a bad one reported) whether or not tail sampling is on.
  const rules = Object.freeze({
    keepFailed,
    keepSeverity: keepLevel === 'off' ? undefined : LEVELS[keepLevel],
    keepSlowerThanMs: validSlower
      ? slower
      : readOptionalNumber(env, 'FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS', warn, { min: 0 }, 'no slow-invocation rule'),
    exportSeverity: exportLevel === 'all' || exportLevel === 'off' ? undefined : LEVELS[exportLevel],
  });
  return tail ? rules : undefined;
}

function level(value: string | undefined, name: string, warn: Warn): LogLevelName | 'off' | undefined {
  if (value === undefined) return undefined;
  if ((LEVEL_NAMES as string[]).includes(value) || value === 'off') return value as LogLevelName | 'off';
  warn(`option ${name}="${value}" is not one of ${LEVEL_NAMES.join(', ')}; ignoring it`);
  return undefined;
}
