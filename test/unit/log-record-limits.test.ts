import { describe, expect, it } from 'vitest';
import { consoleCallToLogRecord } from '../../src/console/log-record.ts';

// The OpenTelemetry attribute limits: the value length limit applies to each string of an array of strings
// (https://opentelemetry.io/docs/specs/otel/common/#attribute-limits); arrays are capped in count as well.
describe('array attributes from console arguments are capped', () => {
  it('each string of an array is cut at the value length limit (4096)', () => {
    const record = consoleCallToLogRecord('log', ['big', { parts: ['x'.repeat(5_000_000), 'short'] }], 16384);
    const parts = record.attributes!.parts as string[];
    expect(parts[0]).toBe(`${'x'.repeat(4096)}…[truncated]`);
    expect(parts[1]).toBe('short');
  });

  it('an array keeps its first 100 items, strings or numbers', () => {
    const numbers = Array.from({ length: 200_000 }, (_, i) => i);
    const strings = numbers.map(String);
    const record = consoleCallToLogRecord('log', [{ numbers, strings }], 16384);
    expect(record.attributes!.numbers).toEqual(numbers.slice(0, 100));
    expect(record.attributes!.strings).toEqual(strings.slice(0, 100));
  });

  it('a mixed array is inspected within the value length limit', () => {
    const record = consoleCallToLogRecord('log', [{ mixed: [1, 'a', 'y'.repeat(100_000)] }], 16384);
    expect(typeof record.attributes!.mixed).toBe('string');
    expect((record.attributes!.mixed as string).length).toBeLessThanOrEqual(4096);
  });
});
