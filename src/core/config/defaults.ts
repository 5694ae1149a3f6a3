import type { ConsoleFormat } from './options.ts';

/** The serverless defaults (Lambda); edge runtimes override some through `RuntimeDefaults`. */
export interface Defaults {
  readonly endpoint: string;
  readonly flushBudgetMs: number;
  readonly flushMarginMs: number;
  readonly timeoutSafetyMs: number;
  readonly maxBufferBytes: number;
  readonly maxExportBatchSize: number;
  readonly scheduledDelayMs: number;
  readonly maxLogBodyLength: number;
  readonly consoleFormat: ConsoleFormat;
  readonly circuitBackoffMs: number;
}

export const MIB = 1024 * 1024;

/** The SDK's default cardinality limit per instrument: https://opentelemetry.io/docs/specs/otel/metrics/sdk/#cardinality-limits */
export const DEFAULT_CARDINALITY_LIMIT = 2000;

/** Serverless defaults: short delays and timeouts, because every wait is billed and the freeze is near. */
export const BASE_DEFAULTS: Defaults = {
  endpoint: 'http://localhost:4318',
  flushBudgetMs: 1000,
  flushMarginMs: 50,
  timeoutSafetyMs: 500,
  // Safe in a 128 MB function; on Lambda the default grows with the memory size (see maxBufferBytesFor).
  maxBufferBytes: 16 * MIB,
  maxExportBatchSize: 512,
  // Exports happen in the flush of each invocation; the timer only matters for long invocations.
  scheduledDelayMs: 1000,
  maxLogBodyLength: 16 * 1024,
  consoleFormat: 'text',
  circuitBackoffMs: 5000,
};
export const DEFAULTS: Defaults = BASE_DEFAULTS;

/**
 * Defaults a runtime changes: on the edge the flush runs in `waitUntil` after the response and may wait
 * longer than on Lambda, where the flush is billed and holds the next invocation. The export timeouts are
 * not defaults of their own: they are shares of the flush budget (`splitFlushBudget`).
 */
export interface RuntimeDefaults {
  readonly flushBudgetMs?: number;
  readonly maxBufferBytes?: number;
}
