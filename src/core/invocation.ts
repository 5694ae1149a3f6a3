import {
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  isSpanContextValid,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { withInvocationId, withSetup } from './invocation-context.ts';
import { withHold } from './sampling/hold-context.ts';
import { settleOutcome, type HowEnded } from './invocation-outcome.ts';
import type { InvocationHold } from './sampling/invocation-hold.ts';
import { recordSpanError } from './span-error.ts';
import { flushBeforeFreeze, remainingTime, type Ending } from './invocation-flush.ts';
import { OutcomeSpan } from './outcome-span.ts';
import { extractContext, spanContextFromXRay } from './propagation.ts';
import type { Telemetry } from './telemetry.ts';
import { generic } from './generic-trigger.ts';
import type { SpanStart, TriggerAdapter } from './trigger.ts';

export interface InvocationInput<E = unknown> {
  readonly telemetry: Telemetry;
  readonly trigger: TriggerAdapter<E>;
  readonly event: E;
  readonly functionName: string;
  readonly attributes: Attributes;
  /** Milliseconds left before the platform's deadline; absent where there is none. */
  readonly remainingTimeMs?: () => number;
  /** The X-Ray trace header, read only when the user opted in. */
  readonly xrayHeader?: () => string | undefined;
  /** Runs the user's handler; called inside the invocation span's context. */
  readonly run: () => unknown;
  /**
   * Takes the flush instead of awaiting it before the result is returned (edge: `ctx.waitUntil`, so the
   * response is not delayed; Lambda with the post-response flush: after the runtime posted the response).
   */
  readonly deferFlush?: (flush: () => Promise<void>) => void;
  /** Called once the invocation is over, flush included, when the flush is not deferred. */
  readonly settled?: () => void;
  /**
   * The flush may hold the records for a later invocation (batched delivery, Lambda with the flush after the
   * response): `telemetry.batching` decides. Otherwise every invocation sends what it made.
   */
  readonly batched?: boolean;
}

/**
 * The one lifecycle of an invocation: start the span (parent from the event) → run the handler in its
 * context → record the result or the error → end → flush, bounded by the deadline. A safety timer ends
 * the span as timed out and flushes shortly before the deadline. The user's result and error pass
 * through unchanged; telemetry failures never reach the handler.
 *
 * @example
 * return runInvocation({ telemetry, trigger, event, functionName, attributes, run: () => handler(event, ctx) });
 */
export async function runInvocation<E>(input: InvocationInput<E>): Promise<unknown> {
  const { telemetry } = input;
  const startedMs = performance.now();
  const ending: Ending = { startedAt: Date.now(), urgent: false };
  // With tail sampling, the invocation's spans and records wait here for its outcome.
  const hold = telemetry.openHold();
  const { span, parentContext, start } = startInvocationSpan(input, hold);
  let ended = false;
  let timedOut = false;
  const end = (record: (span: Span) => void, how: HowEnded) => {
    if (ended) {
      if (timedOut) {
        telemetry.diagnostics.warn(
          'the handler settled after the timeout safety net had ended its span as timed out; raise the function timeout or lower timeoutSafetyMs',
        );
      }
      return;
    }
    ended = true;
    // Counted from what the recording did, not read from the span: a span the sampler dropped answers nothing.
    const watched = telemetry.metrics || hold || telemetry.batching ? new OutcomeSpan(span) : span;
    try {
      record(watched);
    } catch (error) {
      telemetry.diagnostics.warn('could not record the invocation outcome', error);
    } finally {
      // Whatever the outcome's recording did, the span is ended and so exported.
      span.end();
      if (watched instanceof OutcomeSpan) {
        const coldStart = input.attributes['faas.coldstart'] === true;
        const durationMs = performance.now() - startedMs;
        const urgent = settleOutcome(telemetry, { span, watched, how, started: start.attributes ?? {}, coldStart, durationMs, hold });
        ending.urgent = urgent || how === 'timedOut';
      }
    }
  };
  const timeoutNet = armTimeoutNet(input, ending, () => {
    end(markTimedOut, 'timedOut');
    timedOut = true;
  });
  try {
    const invocationId = input.attributes['faas.invocation_id'];
    const inSpan = withInvocationId(trace.setSpan(parentContext, span), typeof invocationId === 'string' ? invocationId : undefined);
    // The setup travels in the context: the console, outbound requests and the SDK calls made by the handler serve it.
    const result = await telemetry.contextManager.with(withSetup(inSpan, telemetry), input.run);
    const { trigger } = input;
    end(trigger.onResult ? (s) => safely(telemetry, () => trigger.onResult!(s, result), undefined) : noResult, 'returned');
    return result;
  } catch (error) {
    end((s) => recordSpanError(s, error), 'threw');
    throw error;
  } finally {
    clearTimeout(timeoutNet);
    if (input.deferFlush) input.deferFlush(() => flushBeforeFreeze(input, ending));
    else {
      await flushBeforeFreeze(input, ending);
      input.settled?.();
    }
  }
}

interface StartedSpan {
  readonly span: Span;
  readonly parentContext: Context;
  readonly start: SpanStart;
}

function startInvocationSpan<E>(input: InvocationInput<E>, hold: InvocationHold | undefined): StartedSpan {
  const { telemetry } = input;
  const start = spanStartFor(input);
  const parent = safely(telemetry, () => parentFor(input, start), ROOT_CONTEXT, 'could not read the trace context');
  // The hold goes in the parent context: the invocation's span and everything under it are held with it.
  const parentContext = withHold(parent, hold);
  const span = telemetry.tracer.startSpan(
    start.name,
    {
      kind: start.kind,
      attributes: { ...start.attributes, ...input.attributes },
      // The SDK copies the links (and the attributes) itself.
      links: start.links as Link[] | undefined,
    },
    parentContext,
  );
  return { span, parentContext, start };
}

function spanStartFor<E>(input: InvocationInput<E>): SpanStart {
  const trigger = { functionName: input.functionName, propagator: input.telemetry.propagator };
  try {
    return input.trigger.spanStart(input.event, trigger);
  } catch (error) {
    // An event that looked like a trigger but was malformed: still one span, never a failed invocation.
    input.telemetry.diagnostics.debug(`trigger ${input.trigger.name} could not read the event`, error);
    // The generic adapter reads the event too (its headers): a Proxy that throws on every read gets a span
    // that reads nothing from it.
    return safely(input.telemetry, () => generic.spanStart(input.event, trigger), unreadableEventStart(input.functionName));
  }
}

function unreadableEventStart(functionName: string): SpanStart {
  return { name: functionName, kind: SpanKind.SERVER, attributes: { 'faas.trigger': 'other' } };
}

function parentFor<E>(input: InvocationInput<E>, start: SpanStart): Context {
  // An empty carrier (most direct invokes) gives every built-in propagator nothing: no extraction.
  const carrier = start.parentCarrier;
  const fromEvent = carrier && hasEntries(carrier) ? extractContext(input.telemetry.propagator, carrier) : ROOT_CONTEXT;
  const remote = trace.getSpanContext(fromEvent);
  if (remote && isSpanContextValid(remote)) return fromEvent;
  const header = input.telemetry.config.xray ? input.xrayHeader?.() : undefined;
  const xray = header ? spanContextFromXRay(header) : undefined;
  return xray ? trace.setSpanContext(fromEvent, xray) : fromEvent;
}

function hasEntries(carrier: object): boolean {
  for (const _ in carrier) return true;
  return false;
}

/**
 * Fires `timeoutSafetyMs` before the deadline, or a tenth of the remaining time before it when that is
 * shorter, so a short function (1 s timeout) is not reported as timed out while it still has time.
 */
function armTimeoutNet<E>(input: InvocationInput<E>, ending: Ending, onTimeout: () => void): ReturnType<typeof setTimeout> | undefined {
  const remaining = remainingTime(input);
  if (remaining === undefined) return undefined;
  const lead = Math.min(input.telemetry.config.timeoutSafetyMs, remaining / 10);
  const timer = setTimeout(
    () => {
      onTimeout();
      void flushBeforeFreeze(input, ending);
    },
    // A delay past 2^31 − 1 ms overflows to 1 ms in setTimeout (Node, browsers and workerd alike), which
    // would end a healthy span as timed out at once: https://nodejs.org/api/timers.html#settimeoutcallback-delay-args
    Math.min(MAX_TIMER_DELAY_MS, Math.max(0, remaining - lead)),
  );
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A trigger without `onResult` (the generic one): nothing to record from the result. */
function noResult(): void {}

function markTimedOut(span: Span): void {
  span.setAttribute('error.type', 'timeout');
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'invocation timed out: the deadline was reached before the handler settled' });
}

function safely<T>(telemetry: Telemetry, fn: () => T, fallback: T, what = 'could not read the handler result'): T {
  try {
    return fn();
  } catch (error) {
    telemetry.diagnostics.debug(what, error);
    return fallback;
  }
}
