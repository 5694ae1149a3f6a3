import { SpanStatusCode, type Exception, type Span } from '@opentelemetry/api';
import { isError, safeRead } from './safe-read.ts';

/** What was thrown, read once and safely: every field a plain string. */
export interface ThrownValue {
  /** The Error's name (`TypeError`), or the `typeof` of anything else (`string`, `object`). */
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  /** A string `code` (Node's `ECONNREFUSED`), when the error has one. */
  readonly code?: string;
}

/**
 * Reads a thrown value without trusting it: an Error whose `name`/`message` getters throw, a Proxy (revoked
 * or with throwing traps), a null-prototype object or a primitive all give strings, never a throw.
 *
 * @example
 * describeThrown(new RangeError('too far')); // { name: 'RangeError', message: 'too far', stack: '…' }
 */
export function describeThrown(error: unknown): ThrownValue {
  if (!isError(error)) return { name: typeof error, message: safeRead(() => String(error), 'unprintable value') };
  const text = (read: () => unknown): string | undefined =>
    safeRead(() => {
      const value = read();
      return typeof value === 'string' ? value : undefined;
    }, undefined);
  const stack = text(() => error.stack);
  const code = text(() => (error as { code?: unknown }).code);
  return {
    name: text(() => error.name) || 'Error',
    message: text(() => error.message) ?? '',
    ...(stack !== undefined && { stack }),
    ...(code !== undefined && { code }),
  };
}

/**
 * Records a thrown value on a span the one way: an `exception` event, `error.type` (the error's name, or its
 * `code` with `typeFromCode`, as for network errors) and ERROR status with the message. Hands the SDK a
 * plain copy, so the SDK's own reads of the error (`code`, `name`, `message`, `stack`) cannot throw either.
 * https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/
 *
 * @example
 * try { await work(); } catch (error) { recordSpanError(span, error); throw error; }
 */
export function recordSpanError(span: Span, error: unknown, options: { readonly typeFromCode?: boolean } = {}): ThrownValue {
  const thrown = describeThrown(error);
  // As the SDK reads an error: `code` first for the event's exception.type.
  const { name, message, stack, code } = thrown;
  const exception: Exception = { name, message, ...(stack !== undefined && { stack }), ...(code !== undefined && { code }) };
  span.recordException(exception);
  span.setAttribute('error.type', (options.typeFromCode ? thrown.code : undefined) ?? thrown.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: thrown.message });
  return thrown;
}
