import { describe, expect, it } from 'vitest';
import { readBatching } from '../../src/core/config/read-batching.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability } from '../helpers/observability.ts';
import { BatchedDelivery, type SendReason } from '../../src/core/delivery/batched-delivery.ts';

/** Invocations started every `gapMs`, each lasting 10 ms and holding `perInvocation` more records unless sent. */
function run(policy: BatchedDelivery, count: number, gapMs: number, perInvocation = 3, urgentAt = -1): SendReason[] {
  const reasons: SendReason[] = [];
  let held = 0;
  for (let i = 0; i < count; i++) {
    const startedAt = 1_000_000 + i * gapMs;
    held += perInvocation;
    const reason = policy.decide({ startedAt, now: startedAt + 10, urgent: i === urgentAt, heldRecords: held, memoryPressed: false });
    if (reason !== 'hold') held = 0;
    reasons.push(reason);
  }
  return reasons;
}

const sends = (reasons: SendReason[]) => reasons.flatMap((reason, i) => (reason === 'hold' ? [] : [`${i}:${reason}`]));

describe('batched delivery', () => {
  it('sends the first invocation at once, then while invocations keep coming, before the oldest would pass the max age', () => {
    // 10 per second, 5 s max age: a send every 50 invocations, the oldest record then 4.9 s old.
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 10_000), 120, 100))).toEqual(['0:idle', '50:max age', '100:max age']);
    // 1 per second: every fifth invocation, the oldest record then 4 s old.
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 10_000), 12, 1000))).toEqual(['0:idle', '5:max age', '10:max age']);
  });

  it('sends when a batch is full, when asked (a failure), and after a gap as long as the max age', () => {
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 30), 25, 10))).toEqual(['0:idle', '10:batch full', '20:batch full']);
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 10_000), 6, 100, 3, 3))).toEqual(['0:idle', '3:urgent']);
    const policy = new BatchedDelivery({ maxAgeMs: 5000 }, 10_000);
    run(policy, 5, 100);
    expect(
      policy.decide({ startedAt: 1_000_000 + 400 + 6000, now: 1_000_000 + 6410, urgent: false, heldRecords: 2, memoryPressed: false }),
    ).toBe('idle');
  });

  it('after an idle spell only its first invocation sends alone: the spell is not averaged into the traffic', () => {
    const policy = new BatchedDelivery({ maxAgeMs: 5000 }, 10_000);
    run(policy, 20, 100);
    let at = 1_000_000 + 19 * 100 + 600_000; // ten minutes idle
    const reasons: SendReason[] = [];
    for (let i = 0; i < 12; i++, at += 100)
      reasons.push(policy.decide({ startedAt: at, now: at + 10, urgent: false, heldRecords: 3, memoryPressed: false }));
    expect(sends(reasons)).toEqual(['0:idle']);
  });

  it('sends under memory pressure', () => {
    const policy = new BatchedDelivery({ maxAgeMs: 5000 }, 10_000);
    run(policy, 3, 100);
    expect(policy.decide({ startedAt: 1_000_400, now: 1_000_410, urgent: false, heldRecords: 5, memoryPressed: true })).toBe('memory');
  });

  it('keeps its clock when invocations leave no span or record (their metrics wait too): the max age still sends', () => {
    // Nothing sampled, nothing logged: 10 per second, the metrics leave every 5 s all the same.
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 10_000), 120, 100, 0))).toEqual(['0:idle', '50:max age', '100:max age']);
    // One invocation every 10 s: each sends (the next freeze may be long).
    expect(sends(run(new BatchedDelivery({ maxAgeMs: 5000 }, 10_000), 3, 10_000, 0))).toEqual(['0:idle', '1:idle', '2:idle']);
  });

  it('max age 0 sends every invocation', () => {
    expect(run(new BatchedDelivery({ maxAgeMs: 0 }, 10_000), 5, 100).every((reason) => reason !== 'hold')).toBe(true);
  });
});

describe('batched delivery settings', () => {
  it('per invocation by default; batched from the option or FAAS_OBSERVABILITY_DELIVERY, with its max age', () => {
    const warnings: string[] = [];
    const warn = (message: string) => warnings.push(message);
    expect(readBatching({}, {}, warn)).toBeUndefined();
    expect(readBatching({ delivery: 'batched' }, {}, warn)).toEqual({ maxAgeMs: 5000 });
    expect(readBatching({}, { FAAS_OBSERVABILITY_DELIVERY: 'batched', FAAS_OBSERVABILITY_BATCH_MAX_AGE_MS: '2000' }, warn)).toEqual({
      maxAgeMs: 2000,
    });
    expect(readBatching({ delivery: 'per-invocation' }, { FAAS_OBSERVABILITY_DELIVERY: 'batched' }, warn)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(readBatching({ delivery: 'later' as never, batchMaxAgeMs: -1 }, {}, warn)).toBeUndefined();
    expect(readBatching({}, { FAAS_OBSERVABILITY_DELIVERY: 'sometimes' }, warn)).toBeUndefined();
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/option delivery="later"/);
  });
});

describe('the flush budget with batched delivery', () => {
  it('is 3000 ms by default on Lambda (a slow collector is paid once per batch), as set when set, and the edge keeps its own', () => {
    expect(resolveConfig({}, {}).flushBudgetMs).toBe(1000);
    expect(resolveConfig({ delivery: 'batched' }, {}).flushBudgetMs).toBe(3000);
    expect(resolveConfig({ delivery: 'batched' }, {}).traces.timeoutMs).toBe(2950);
    expect(resolveConfig({ delivery: 'batched', flushBudgetMs: 800 }, {}).flushBudgetMs).toBe(800);
    expect(resolveConfig({}, { FAAS_OBSERVABILITY_DELIVERY: 'batched', FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '1500' }).flushBudgetMs).toBe(
      1500,
    );
    expect(resolveConfig({ delivery: 'batched' }, {}, { flushBudgetMs: 10_000 }).flushBudgetMs).toBe(10_000);
  });
});

describe('batched delivery without the extension (not on Lambda, Managed Instances, a failed registration)', () => {
  it('falls back to sending every invocation', async () => {
    const observability = testObservability({ delivery: 'batched' }, { AWS_LAMBDA_MAX_CONCURRENCY: '4' });
    try {
      const handler = observability.wrap(async (_event: unknown, _context: unknown) => console.log('sent'));
      await handler({}, lambdaContext());
      expect([observability.spans().length, observability.logs().length]).toEqual([1, 1]);
      await handler({}, lambdaContext());
      expect([observability.spans().length, observability.logs().length]).toEqual([2, 2]);
    } finally {
      await observability.dispose();
    }
  });
});
