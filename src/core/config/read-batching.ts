import { readEnum, readNumber, type Env, type Warn } from './env-readers.ts';
import type { DeliveryMode, ObservabilityOptions } from './options.ts';
import type { BatchingConfig } from './resolved-config.ts';

const MODES: readonly DeliveryMode[] = ['per-invocation', 'batched'];
/** The flush budget's default with batched delivery on Lambda (per invocation: 1000 ms). */
export const BATCHED_FLUSH_BUDGET_MS = 3000;
/** A few seconds: a dashboard is that far behind at most while invocations keep coming. */
export const DEFAULT_BATCH_MAX_AGE_MS = 5000;

/**
 * Batched delivery from `options.delivery` / `batchMaxAgeMs`, then `FAAS_OBSERVABILITY_DELIVERY` and
 * `FAAS_OBSERVABILITY_BATCH_MAX_AGE_MS`; undefined for per-invocation delivery (the default, and whenever the
 * flush after the response is off).
 *
 * @example
 * readBatching({}, { FAAS_OBSERVABILITY_DELIVERY: 'batched' }, console.warn); // { maxAgeMs: 5000 }
 */
export function readBatching(options: ObservabilityOptions, env: Env, warn: Warn, postResponseFlush = true): BatchingConfig | undefined {
  let mode = options.delivery;
  if (mode !== undefined && !MODES.includes(mode)) {
    warn(`option delivery="${String(mode)}" is not one of ${MODES.join(', ')}; using per-invocation`);
    mode = 'per-invocation';
  }
  mode ??= readEnum(env, 'FAAS_OBSERVABILITY_DELIVERY', MODES, 'per-invocation', warn);
  let maxAgeMs = options.batchMaxAgeMs;
  if (maxAgeMs !== undefined && !(Number.isFinite(maxAgeMs) && maxAgeMs >= 0)) {
    warn(`option batchMaxAgeMs=${String(maxAgeMs)} is not a number of 0 or more; using ${DEFAULT_BATCH_MAX_AGE_MS}`);
    maxAgeMs = DEFAULT_BATCH_MAX_AGE_MS;
  }
  maxAgeMs ??= readNumber(env, 'FAAS_OBSERVABILITY_BATCH_MAX_AGE_MS', DEFAULT_BATCH_MAX_AGE_MS, warn, { min: 0 });
  if (mode !== 'batched') return undefined;
  // Batching holds records while Lambda freezes the environment: only the flush after the response can let it.
  if (!postResponseFlush) {
    warn('delivery=batched needs the flush after the response (postResponseFlush is off); delivering per invocation');
    return undefined;
  }
  return Object.freeze({ maxAgeMs });
}
