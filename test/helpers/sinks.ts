import type { InvocationResult, RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';

/** A record as the stdout last resort writes it: one JSON line. */
export interface StdoutRecord {
  readonly body?: unknown;
  readonly name?: string;
  readonly attributes?: Record<string, unknown>;
}

/** The function's output on one stream, whole lines, from every process it ran in. */
export function outputLines(lambda: RuntimeApiServer, stream: 'stdout' | 'stderr'): string[] {
  return lambda.output
    .filter((o) => o.stream === stream)
    .map((o) => o.text)
    .join('')
    .split('\n');
}

/** The log records and spans the function wrote to stdout because no exporter took them. */
export function stdoutRecords(lambda: RuntimeApiServer): { logs: StdoutRecord[]; spans: StdoutRecord[] } {
  const lines = outputLines(lambda, 'stdout');
  const parse = (prefix: string) => lines.filter((line) => line.startsWith(prefix)).map((line) => JSON.parse(line) as StdoutRecord);
  return { logs: parse('{"undelivered_log_record":true'), spans: parse('{"undelivered_span":true') };
}

/** The library's own diagnostic lines (stderr), one per invocation at most. */
export function diagnosticLines(lambda: RuntimeApiServer): string[] {
  return outputLines(lambda, 'stderr').filter((line) => line.includes('[faas-observability]'));
}

export const statuses = (results: readonly InvocationResult[]) =>
  results.reduce<Record<string, number>>((counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }), {});
