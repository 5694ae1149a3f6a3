import { createContextKey, type Context } from '@opentelemetry/api';
import type { InvocationHold } from './invocation-hold.ts';

/** The invocation's hold, when tail sampling is on: its spans and records wait there for its outcome. */
const HOLD = createContextKey('faas-observability.hold');

export function withHold(context: Context, hold: InvocationHold | undefined): Context {
  return hold === undefined ? context : context.setValue(HOLD, hold);
}

export function holdOf(context: Context): InvocationHold | undefined {
  return context.getValue(HOLD) as InvocationHold | undefined;
}
