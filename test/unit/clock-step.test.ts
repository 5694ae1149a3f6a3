import { afterEach, describe, expect, it, vi } from 'vitest';

// The diagnostics write through the console methods found when their module loads: record them from here.
const { warnings } = vi.hoisted(() => {
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => void warnings.push(args.map(String).join(' '));
  return { warnings };
});
const { derivedRecordUid } = await import('../../src/exporters/record-uid.ts');
const { lambdaContext } = await import('../helpers/lambda-context.ts');
const { testObservability } = await import('../helpers/observability.ts');

let observability: ReturnType<typeof testObservability> | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await observability?.dispose();
  observability = undefined;
  warnings.length = 0;
});

describe('the wall clock steps back inside an invocation (an NTP step)', () => {
  it.each([50, 5000])('by %i ms: every console record is exported; those behind the last stamp get a random uid', async (stepMs) => {
    const setup = (observability = testObservability());
    await setup.wrap(async (_event: unknown, _context: unknown) => {
      const now = Date.now();
      console.log('before the step');
      vi.spyOn(Date, 'now').mockReturnValue(now - stepMs);
      console.log('after the step');
      console.log('after the step, again');
    })({}, lambdaContext());
    const logs = setup.logs();
    expect(logs.map((r) => r.body)).toEqual(['before the step', 'after the step', 'after the step, again']);
    const uids = logs.map((r) => r.attributes['log.record.uid']);
    expect(new Set(uids).size).toBe(3);
    // The first is derived from its span and time; the two behind it cannot be ordered after it: random.
    expect(uids[0]).toBe(derivedRecordUid(logs[0]!));
    expect(uids.slice(1).every((uid) => typeof uid === 'string' && uid !== derivedRecordUid(logs[1]!))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('a console call the bridge cannot emit is printed and counted in the per-invocation diagnostic line', async () => {
    const setup = (observability = testObservability());
    const logger = setup.telemetry!.logger as { emit: (record: unknown) => void };
    const emit = logger.emit.bind(logger);
    let failures = 1;
    logger.emit = (record) => {
      if (failures-- > 0) throw new TypeError('emit failed');
      emit(record);
    };
    await setup.wrap(async (_event: unknown, _context: unknown) => {
      console.log('lost as a record');
      console.log('kept');
    })({}, lambdaContext());
    expect(setup.logs().map((r) => r.body)).toEqual(['kept']);
    expect(setup.lines.map((l) => l.args[0])).toEqual(['lost as a record', expect.stringMatching(/^kept trace_id=/)]);
    expect(warnings).toEqual([expect.stringContaining('1 log record(s) not delivered')]);
  });
});
