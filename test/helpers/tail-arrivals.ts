import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { ReceivedLog, ReceivedSpan } from '../../tools/otlp-decode.ts';
import type { EnvironmentRun } from './run-plan.ts';
import { isFailure, TAIL_LINES, type TailPlanStep } from './tail-plan.ts';

/** What reached the collector of one planned invocation, found by its request id (its span) and its tag (the rest). */
export interface Arrival {
  readonly planned: TailPlanStep;
  readonly invocation: ReceivedSpan[];
  readonly child: ReceivedSpan[];
  readonly info: ReceivedLog[];
  readonly debug: ReceivedLog[];
}

/** Every planned invocation with what arrived of it, and what arrived that belongs to no planned invocation. */
export function tailArrivals(
  runs: readonly EnvironmentRun<TailPlanStep>[],
  received: { readonly spans: readonly ReceivedSpan[]; readonly logs: readonly ReceivedLog[] },
): { arrivals: Arrival[]; strays: string[] } {
  const byTag = new Map<string, Arrival>();
  const byRequestId = new Map<string, Arrival>();
  for (const { planned, result } of runs.flatMap((run) => run.results)) {
    const arrival: Arrival = { planned, invocation: [], child: [], info: [], debug: [] };
    byTag.set(planned.tag, arrival);
    byRequestId.set(result.requestId, arrival);
  }
  const strays: string[] = [];
  for (const span of received.spans) {
    const id = span.attributes['faas.invocation_id'];
    const child = /^tail (t\d+) child$/.exec(span.name);
    const arrival = id === undefined ? byTag.get(child?.[1] ?? '') : byRequestId.get(String(id));
    if (arrival) (id === undefined ? arrival.child : arrival.invocation).push(span);
    else strays.push(`span ${span.name}`);
  }
  for (const log of received.logs) {
    const line = /^tail (t\d+) (debug|info) \d+$/.exec(String(log.body));
    const arrival = byTag.get(line?.[1] ?? '');
    if (arrival) arrival[line![2] as 'debug' | 'info'].push(log);
    else if (String(log.body).startsWith('tail ')) strays.push(`log ${String(log.body)}`);
  }
  return { arrivals: [...byTag.values()], strays };
}

/** Whether anything of the invocation reached the collector. */
export const anyArrived = (a: Arrival): boolean => a.invocation.length + a.child.length + a.info.length + a.debug.length > 0;

/** Whether the head sampler (a trace id ratio, as `OTEL_TRACES_SAMPLER=parentbased_traceidratio` picks for a root) samples the trace. */
export function headSampled(traceId: string, ratio: number): boolean {
  const sampler = new TraceIdRatioBasedSampler(ratio);
  return sampler.shouldSample(ROOT_CONTEXT, traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;
}

const lines = (kind: string, tag: string, count: number) => Array.from({ length: count }, (_, k) => `tail ${tag} ${kind} ${k}`);
const bodies = (logs: readonly ReceivedLog[]) => logs.map((log) => String(log.body)).sort();

/**
 * What is wrong with an invocation's arrival: kept, it must be whole (its span, its child span, every info line,
 * its debug lines only if it failed), each record in its own trace and span, the spans' sampled flag the head
 * sampler's; dropped, nothing of it may have arrived.
 */
export function problemsOf(a: Arrival, kept: boolean, ratio: number): string[] {
  const { tag, outcome } = a.planned;
  const say = (what: string) => `${tag} (${outcome}, ${kept ? 'kept' : 'dropped'}): ${what}`;
  if (!kept) return anyArrived(a) ? [say('something arrived')] : [];
  const counts = [a.invocation.length, a.child.length, a.info.length, a.debug.length].join('/');
  const debug = isFailure(outcome) ? TAIL_LINES.debug : 0;
  const want = [1, 1, TAIL_LINES.info, debug].join('/');
  if (counts !== want) return [say(`span/child/info/debug ${counts}, expected ${want}`)];
  const [span, child] = [a.invocation[0]!, a.child[0]!];
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(say(what));
  check(child.traceId === span.traceId && child.parentSpanId === span.spanId, 'the child span is not under the invocation span');
  check(JSON.stringify(bodies(a.info)) === JSON.stringify(lines('info', tag, TAIL_LINES.info)), 'info lines differ');
  check(JSON.stringify(bodies(a.debug)) === JSON.stringify(lines('debug', tag, debug)), 'debug lines differ');
  // The first info line and the debug lines are written in the invocation's span, the other info lines in the child.
  const own = (log: ReceivedLog) => (/ (info 0|debug \d+)$/.test(String(log.body)) ? span : child);
  const logs = [...a.info, ...a.debug];
  check(
    logs.every((log) => log.traceId === span.traceId && log.spanId === own(log).spanId),
    'a line outside its span',
  );
  const sampled = headSampled(span.traceId, ratio) ? 1 : 0;
  const flags = [span.flags ?? 0, child.flags ?? 0, ...logs.map((log) => log.flags)].map((f) => f & 1);
  check(
    flags.every((f) => f === sampled),
    `sampled flags ${flags.join('')}, the head sampler said ${sampled}`,
  );
  return problems;
}
