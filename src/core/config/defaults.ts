import type { ConsoleFormat } from './options.ts';

/** The serverless defaults (Lambda); edge runtimes override some through `RuntimeDefaults`. */
export interface Defaults {
  readonly endpoint: string;
  readonly exportTimeoutMs: number;
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

/** Serverless defaults: short delays and timeouts, because every wait is billed and the freeze is near. */
export const BASE_DEFAULTS: Defaults = {
  endpoint: 'http://localhost:4318',
  // Half the flush budget: a collector that hangs leaves the other half to the Loki fallback.
  exportTimeoutMs: 450,
  flushBudgetMs: 1000,
  flushMarginMs: 50,
  timeoutSafetyMs: 500,
  // Safe in a 128 MB function; on Lambda the default grows with the memory size (see maxBufferBytesFor).
  maxBufferBytes: 16 * MIB,
  maxExportBatchSize: 512,
  // Exports happen in the flush before each response; the timer only matters for long invocations.
  scheduledDelayMs: 1000,
  maxLogBodyLength: 16 * 1024,
  consoleFormat: 'text',
  circuitBackoffMs: 5000,
};
export const DEFAULTS: Defaults = BASE_DEFAULTS;

/**
 * Defaults a runtime changes: on the edge the flush runs in `waitUntil` after the response, so it can
 * afford longer timeouts than on Lambda, where every millisecond of flush delays the response.
 */
export interface RuntimeDefaults {
  readonly exportTimeoutMs?: number;
  readonly flushBudgetMs?: number;
  readonly maxBufferBytes?: number;
}
