import type { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { readEmfLine, type EmfEntry } from './emf-reader.ts';

/**
 * Every CloudWatch EMF document the function's processes wrote on stdout, read (and checked against the
 * specification) by emf-reader.ts: a line that carries `_aws` and is not valid EMF throws. Lines are joined
 * per process, so a process killed mid-line cannot splice its last words onto the next one's.
 *
 * @example
 * const entries = emfEntries(servers).filter((e) => e.name === 'faas.errors');
 */
export function emfEntries(servers: readonly RuntimeApiServer[]): EmfEntry[] {
  const entries: EmfEntry[] = [];
  for (const server of servers) {
    const text = new Map<number, string>();
    for (const chunk of server.output) {
      if (chunk.stream === 'stdout') text.set(chunk.processNumber, (text.get(chunk.processNumber) ?? '') + chunk.text);
    }
    for (const line of [...text.values()].flatMap((t) => t.split('\n'))) {
      if (line.startsWith('{') && '_aws' in (JSON.parse(line) as object)) entries.push(...readEmfLine(line).entries);
    }
  }
  return entries;
}

/** The total of one metric's values, or per value of one dimension: a number's value, a statistic set's Count. */
export function emfTotal(entries: readonly EmfEntry[], name: string, by?: string): number | Record<string, number> {
  const totals: Record<string, number> = {};
  for (const entry of entries.filter((e) => e.name === name)) {
    const value = entry.value;
    const count = typeof value === 'number' ? value : Array.isArray(value) ? value.length : value.Count;
    const key = by === undefined ? '' : (entry.dimensions[by] ?? '');
    totals[key] = (totals[key] ?? 0) + count;
  }
  return by === undefined ? (totals[''] ?? 0) : totals;
}
