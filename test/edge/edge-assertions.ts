import { expect } from 'vitest';
import type { ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';

export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Concurrency check: every request's logs (matched by the id in their body) carry one trace id and one
 * span id, those of a span of their own, and no two requests share a trace.
 */
export function expectOwnTraceIds(spans: ReceivedSpan[], logs: ReceivedLog[], idPattern: RegExp, requests: number): void {
  const spansById = new Map(spans.map((s) => [s.spanId, s]));
  const byRequest = new Map<string, Set<string>>();
  let mismatches = 0;
  for (const log of logs) {
    const id = idPattern.exec(String(log.body))?.[1];
    if (!id) continue;
    const span = spansById.get(log.spanId);
    if (!span || span.traceId !== log.traceId) mismatches++;
    byRequest.set(id, new Set([...(byRequest.get(id) ?? []), `${log.traceId}/${log.spanId}`]));
  }
  expect(mismatches).toBe(0);
  expect(byRequest.size).toBe(requests);
  expect([...byRequest.values()].every((ids) => ids.size === 1)).toBe(true);
  const traces = new Set([...byRequest.values()].map((ids) => [...ids][0]!.split('/')[0]));
  expect(traces.size).toBe(requests);
}
