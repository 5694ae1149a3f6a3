import type { ObservabilityOptions } from './options.ts';

/** One row of the configuration reference: a setting, where it is read from, its default and meaning. */
export interface ConfigEntry {
  /** The `withObservability` option, when there is one. */
  readonly option?: keyof ObservabilityOptions;
  /** The environment variables read for it, most specific first. */
  readonly env: readonly string[];
  readonly default: string;
  readonly meaning: string;
}
