import { expect } from 'vitest';
import type { InvocationResult, RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import type { ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';
import type { ProxiedRequest } from '../helpers/delay-proxy.ts';
import { diagnosticLines, outputLines } from '../helpers/sinks.ts';

/** One run of the post-response fixture under the emulator: what it answered and what reached the collector. */
export interface Run {
  readonly lambda: RuntimeApiServer;
  readonly results: InvocationResult[];
  /** Export requests as the proxy in front of the collector saw them arrive. */
  readonly arrivals: ProxiedRequest[];
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
}

/** Every invocation's span and its log line arrived, exactly once. */
export function expectAllDelivered({ results, spans, logs }: Run): void {
  const ids = spans.map((s) => s.attributes['faas.invocation_id']).filter((id) => id !== undefined);
  expect(ids).toHaveLength(results.length);
  expect(new Set(ids)).toEqual(new Set(results.map((r) => r.requestId)));
  const handling = logs.map((l) => String(l.body)).filter((body) => body.startsWith('handling '));
  expect(new Set(handling)).toEqual(new Set(results.map((r) => `handling ${r.requestId}`)));
  expect(handling).toHaveLength(results.length);
}

/** Export requests that arrived while the invocation ran, before its response was posted. */
export const exportsBeforeResponse = ({ results, arrivals }: Run): number[] =>
  results.map((r) => arrivals.filter((a) => a.arrivedAt > r.respondedAt - r.durationMs && a.arrivedAt < r.respondedAt).length);

/** The library's diagnostic lines (aws-lambda-ric writes console lines, diagnostics included, to stdout). */
export const libraryDiagnostics = (lambda: RuntimeApiServer): string[] => [
  ...diagnosticLines(lambda),
  ...outputLines(lambda, 'stdout').filter((line) => line.includes('[faas-observability]')),
];
