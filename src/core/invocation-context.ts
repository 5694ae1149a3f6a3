import { createContextKey, type Context } from '@opentelemetry/api';

/** The invocation id, carried in the OpenTelemetry context so each log record can say which invocation wrote it. */
const INVOCATION_ID = createContextKey('faas-observability.invocation_id');

export function withInvocationId(context: Context, id: string | undefined): Context {
  return id === undefined ? context : context.setValue(INVOCATION_ID, id);
}

export function invocationIdOf(context: Context): string | undefined {
  const id = context.getValue(INVOCATION_ID);
  return typeof id === 'string' ? id : undefined;
}
