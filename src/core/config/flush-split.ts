import type { Warn } from './env-readers.ts';

/** An export timeout asked for explicitly, and the key it came from (for the warning when it does not fit). */
export interface RequestedTimeout {
  readonly ms: number;
  readonly key: string;
}

/** The flush budget shared out: each signal's OTLP timeout (retries included) and the Loki fallback's. */
export interface FlushSplit {
  readonly tracesMs: number;
  readonly logsMs: number;
  /** Metrics go out beside spans and logs, in a chain of their own (OTLP → stdout): the same share as traces. */
  readonly metricsMs: number;
  /** The Loki fallback's timeout (retries included); undefined without Loki. */
  readonly lokiMs: number | undefined;
  /** Kept free for what is not a request: encoding, gzip, loading the Loki code, the stdout fallback. */
  readonly reserveMs: number;
}

/** The reserve: a tenth of the budget, at most 50 ms (a stdout write and an encode take a few ms). */
const MAX_RESERVE_MS = 50;

/**
 * Shares one flush budget out so that everything one flush may wait for fits in it together. Spans and logs
 * are exported in parallel, each in its own chain: traces OTLP → stdout; logs OTLP → Loki → stdout, one
 * after the other. So, with `usable` = budget − reserve:
 * - traces: the OTLP timeout is `usable` (or the requested timeout, when smaller);
 * - logs without Loki: the same;
 * - logs with Loki: the OTLP timeout is at most half of `usable` (half by default, or the requested
 *   timeout when smaller) and the Loki timeout is the rest.
 * Each timeout bounds its retries too (`sendWithRetries` makes no attempt that would end past it). A
 * requested timeout that does not fit is cut to its share, with one warning naming its key.
 *
 * @example
 * splitFlushBudget(1000, { traces: undefined, logs: undefined }, true, console.warn);
 * // { tracesMs: 950, logsMs: 475, metricsMs: 950, lokiMs: 475, reserveMs: 50 }
 */
export function splitFlushBudget(
  budgetMs: number,
  requested: {
    readonly traces: RequestedTimeout | undefined;
    readonly logs: RequestedTimeout | undefined;
    readonly metrics?: RequestedTimeout | undefined;
  },
  withLoki: boolean,
  warn: Warn,
): FlushSplit {
  const reserveMs = Math.min(MAX_RESERVE_MS, Math.floor(budgetMs / 10));
  const usable = Math.max(1, budgetMs - reserveMs);
  const logsShare = withLoki ? Math.max(1, Math.floor(usable / 2)) : usable;
  const tooLong = new Map<string, { ms: number; used: string[] }>();
  const fit = (signal: 'traces' | 'logs' | 'metrics', share: number): number => {
    const asked = requested[signal];
    if (asked === undefined) return share;
    if (asked.ms <= share) return asked.ms;
    const entry = tooLong.get(asked.key) ?? { ms: asked.ms, used: [] };
    entry.used.push(`${share} ms for ${signal}`);
    tooLong.set(asked.key, entry);
    return share;
  };
  const tracesMs = fit('traces', usable);
  const logsMs = fit('logs', logsShare);
  const metricsMs = fit('metrics', usable);
  // One warning per key, even when the value applies to both signals (the option, OTEL_EXPORTER_OTLP_TIMEOUT).
  for (const [key, { ms, used }] of tooLong) {
    const lokiNote = withLoki && used.some((part) => part.endsWith('logs')) ? '; with Loki, OTLP logs get half of it' : '';
    warn(`${key}=${ms} does not fit in the flush budget of ${budgetMs} ms (${reserveMs} ms reserved${lokiNote}); using ${used.join(', ')}`);
  }
  const lokiMs = withLoki ? Math.max(0, usable - logsMs) : undefined;
  return { tracesMs, logsMs, metricsMs, lokiMs, reserveMs };
}
