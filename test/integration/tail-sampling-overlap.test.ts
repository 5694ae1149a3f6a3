import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLambdaObservability, keepInvocation, type LambdaContext, type LambdaObservability } from '../../src/lambda.ts';
import { httpApiEvent } from '../helpers/http-api-event.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { metricTotal } from '../helpers/metric-total.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedLog, type ReceivedSpan } from '../helpers/otlp-receiver.ts';

// Lambda Managed Instances run several invocations of one environment at once: each must be decided on its
// own. Here 48 overlapping invocations of one setup, a head ratio of 0, interleaved by seeded random delays:
// half fail (a throw, an HTTP 500), a quarter call keepInvocation(), a quarter end well. Exactly the failed and
// the asked-for ones must arrive, each whole and in its own trace, nothing of the others.

type End = 'throw' | 'return' | 'http500' | 'keep';
interface Step {
  readonly tag: string;
  readonly end: End;
  /** Milliseconds to wait before the child span, and inside it. */
  readonly delays: readonly [number, number];
  readonly context: LambdaContext;
}

const COUNT = 48;
const ENDS: readonly End[] = ['throw', 'return', 'http500', 'keep'];
const failed = (end: End) => end === 'throw' || end === 'http500';

/** A seeded generator (a 32-bit LCG): the same interleaving on every run. */
function delays(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return 1 + (state % 25);
  };
}

const next = delays(20_261_202);
const plan: Step[] = Array.from({ length: COUNT }, (_, i) => ({
  tag: `o${i}`,
  end: ENDS[i % 4]!,
  delays: [next(), next()],
  context: lambdaContext(),
}));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let receiver: OtlpReceiver;
let observability: LambdaObservability;
let inFlight = 0;
let mostInFlight = 0;
const quiet = { info: console.info, debug: console.debug };

async function handle(event: { tag: string }): Promise<unknown> {
  const step = plan.find((s) => s.tag === event.tag)!;
  mostInFlight = Math.max(mostInFlight, ++inFlight);
  try {
    console.debug(`tail ${step.tag} debug`);
    await sleep(step.delays[0]);
    await trace.getTracer('overlap').startActiveSpan(`tail ${step.tag} child`, async (span) => {
      console.info(`tail ${step.tag} child`);
      await sleep(step.delays[1]);
      span.end();
    });
    console.info(`tail ${step.tag} after`);
    if (step.end === 'keep') keepInvocation();
    if (step.end === 'throw') throw new Error(`tail ${step.tag} refused`);
    return { statusCode: step.end === 'http500' ? 500 : 200 };
  } finally {
    inFlight -= 1;
  }
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  console.info = () => {};
  console.debug = () => {};
  observability = createLambdaObservability(
    {},
    {
      ...LAMBDA_ENV,
      // What Lambda sets in a Managed Instances environment: the library flushes each invocation before its response.
      AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances',
      AWS_LAMBDA_MAX_CONCURRENCY: String(COUNT),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0',
      FAAS_OBSERVABILITY_TAIL_SAMPLING: 'true',
      FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL: 'info',
    },
  );
  const wrapped = observability.wrap(async (event: { tag: string }, _context: unknown) => handle(event));
  // The HTTP events carry no traceparent: every invocation is a root, its head decision the ratio's (0).
  const eventOf = (s: Step) => (s.end === 'http500' ? { ...httpApiEvent(`req-${s.tag}`, '{}'), tag: s.tag } : { tag: s.tag });
  await Promise.allSettled(plan.map((s) => wrapped(eventOf(s), s.context)));
});
afterAll(async () => {
  await observability?.shutdown();
  Object.assign(console, quiet);
  await receiver?.close();
});

/** What arrived of one step: its invocation span (by request id), its child span and lines (by tag). */
function arrivedOf(step: Step): { span?: ReceivedSpan; child: ReceivedSpan[]; logs: ReceivedLog[] } {
  return {
    span: receiver.spans.find((s) => s.attributes['faas.invocation_id'] === step.context.awsRequestId),
    child: receiver.spans.filter((s) => s.name === `tail ${step.tag} child`),
    logs: receiver.logs.filter((l) => String(l.body).startsWith(`tail ${step.tag} `)),
  };
}

describe('tail sampling: overlapping invocations in one environment (Managed Instances), each decided on its own', () => {
  it('they did overlap', () => {
    expect(mostInFlight).toBeGreaterThanOrEqual(COUNT / 2);
  });

  it('exactly the failed and the asked-for invocations arrived: their spans, none of the others', () => {
    const kept = plan.filter((s) => s.end !== 'return').map((s) => s.context.awsRequestId);
    const invocationSpans = receiver.spans.filter((s) => s.attributes['faas.invocation_id'] !== undefined);
    expect(invocationSpans.map((s) => s.attributes['faas.invocation_id']).sort()).toEqual(kept.sort());
    expect(receiver.spans).toHaveLength(2 * kept.length);
    // Kept by the tail rule, not the head sampler: their records say unsampled (flags 00), as the spec has it.
    expect(receiver.logs.filter((l) => (l.flags & 1) !== 0)).toEqual([]);
  });

  it('each kept one whole and in its own trace: the child under its span, its lines in their spans, debug lines only if it failed', () => {
    const problems = plan
      .filter((s) => s.end !== 'return')
      .flatMap((step) => {
        const { span, child, logs } = arrivedOf(step);
        const expected = [...(failed(step.end) ? [`tail ${step.tag} debug`] : []), `tail ${step.tag} child`, `tail ${step.tag} after`];
        const inSpan = (log: ReceivedLog) => (String(log.body).endsWith(' child') ? child[0]?.spanId : span?.spanId);
        const whole =
          span !== undefined &&
          child.length === 1 &&
          child[0]!.traceId === span.traceId &&
          child[0]!.parentSpanId === span.spanId &&
          JSON.stringify(logs.map((l) => String(l.body)).sort()) === JSON.stringify(expected.sort()) &&
          logs.every((l) => l.traceId === span.traceId && l.spanId === inSpan(l));
        return whole ? [] : [`${step.tag} (${step.end})`];
      });
    expect(problems).toEqual([]);
    expect(new Set(receiver.spans.map((s) => s.traceId)).size).toBe(plan.filter((s) => s.end !== 'return').length);
  });

  it('nothing of the dropped ones, and every exported line belongs to a kept invocation', () => {
    for (const step of plan.filter((s) => s.end === 'return'))
      expect(arrivedOf(step), step.tag).toEqual({ span: undefined, child: [], logs: [] });
    expect(receiver.logs).toHaveLength(plan.reduce((n, s) => n + (s.end === 'return' ? 0 : failed(s.end) ? 3 : 2), 0));
  });

  it('the metrics count all of them, and faas.sampling.dropped the dropped ones', () => {
    expect(metricTotal(receiver.metrics, 'faas.invocations')).toBe(COUNT / 2);
    expect(metricTotal(receiver.metrics, 'faas.errors')).toBe(COUNT / 2);
    expect(metricTotal(receiver.metrics, 'faas.sampling.dropped')).toBe(COUNT / 4);
  });
});
