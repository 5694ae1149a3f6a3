export * from './lambda.ts';
export {
  resolveConfig,
  DEFAULTS,
  type Defaults,
  type BatchConfig,
  type LokiConfig,
  type PropagatorName,
  type ResolvedConfig,
  type RuntimeDefaults,
  type SamplerName,
  type SignalConfig,
} from './wrapper/config.ts';
export { CONFIG_REFERENCE, type ConfigEntry } from './wrapper/config-reference.ts';
export type { Env } from './wrapper/env-readers.ts';
export { formatArgs } from './wrapper/format-args.ts';
