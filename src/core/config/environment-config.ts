import type { Env } from './env-readers.ts';
import { resolveConfig } from './resolve-config.ts';
import type { ResolvedConfig } from './resolved-config.ts';

const resolved = new WeakMap<Env, ResolvedConfig>();

/**
 * The configuration the environment alone gives, for what has to start before any setup exists, when no
 * options are known yet (the init-log capture at import, the preloaded extension). Resolved once per
 * environment object (a later change of it is not seen, as for a setup's configuration). It is
 * `resolveConfig({}, env)`, the same readers and defaults as a setup's; its warnings are not printed here,
 * because the setup's own resolution reports each bad value once.
 *
 * @example
 * if (!configFromEnvironment(process.env).disabled) startCapturing();
 */
export function configFromEnvironment(env: Env): ResolvedConfig {
  let config = resolved.get(env);
  if (config === undefined) resolved.set(env, (config = resolveConfig({}, env)));
  return config;
}
