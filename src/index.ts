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
} from './core/config/resolve-config.ts';
export { CONFIG_REFERENCE, type ConfigEntry } from './core/config/config-reference.ts';
export type { Env } from './core/config/env-readers.ts';
export { formatArgs } from './console/format-args.ts';
