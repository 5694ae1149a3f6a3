import { STREAMING_HIGH_WATER_MARK_SYMBOL, STREAMING_SYMBOL, type LambdaCallback, type LambdaContext } from './lambda-types.ts';

// Handlers are user functions of any shape; `unknown` parameters would reject typed handlers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = (...args: any[]) => any;

/** Whether Lambda will call `handler` as a response-streaming handler (it reads this symbol). */
export function isStreaming(handler: AnyHandler): boolean {
  return (handler as unknown as Record<symbol, unknown>)[STREAMING_SYMBOL] === 'response';
}

/**
 * Runs a callback-style handler `(event, context, callback)` as a promise, so the wrapper can flush
 * before the runtime sees the outcome (and so it also runs on Node 24, which has no callback handlers).
 * The first of callback or returned promise settles it.
 *
 * @example
 * const result = await callCallbackHandler((event, context, callback) => callback(null, 'ok'), event, context);
 */
export function callCallbackHandler(handler: AnyHandler, event: unknown, lambdaContext: LambdaContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback: LambdaCallback = (error, result) => (error !== undefined && error !== null ? reject(error) : resolve(result));
    const returned: unknown = handler(event, lambdaContext, callback);
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(resolve, reject);
    }
  });
}

/**
 * Set on every handler a copy of this library wrapped. `Symbol.for`, so another copy (the layer's beside the
 * user's bundled one) recognises it: a handler the user wrapped is not wrapped again.
 */
const OBSERVED = Symbol.for('faas-observability.lambda.observed');

/** Marks `handler` as wrapped by this library (non-enumerable, read-only). */
export function markObserved<H extends AnyHandler>(handler: H): H {
  return Object.defineProperty(handler, OBSERVED, { value: true, enumerable: false, writable: false });
}

/**
 * Whether `handler` was wrapped by `withObservability` (or a setup's `wrap`), by this copy of the library or another.
 *
 * @example
 * if (!isObserved(original)) handler = withObservability(original);
 */
export function isObserved(handler: unknown): boolean {
  return typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[OBSERVED] === true;
}

/** The handler unchanged in behaviour (telemetry off), as a new function with its streaming symbols. */
export function passThrough<H extends AnyHandler>(handler: H): H {
  assertHandler(handler);
  const passed = function passed(this: unknown, ...args: unknown[]) {
    return handler.apply(this, args);
  };
  return markObserved(copyStreamingSymbols(handler, passed)) as unknown as H;
}

/** Lambda recognises streaming handlers by these symbols; the wrapper must carry them. */
export function copyStreamingSymbols(from: AnyHandler, to: AnyHandler): AnyHandler {
  for (const symbol of [STREAMING_SYMBOL, STREAMING_HIGH_WATER_MARK_SYMBOL]) {
    const value = (from as unknown as Record<symbol, unknown>)[symbol];
    if (value !== undefined) Object.defineProperty(to, symbol, { value, enumerable: false, writable: false });
  }
  return to;
}

export function assertHandler(handler: unknown): asserts handler is AnyHandler {
  if (typeof handler !== 'function') {
    throw new TypeError(`withObservability expects a handler function, got ${handler === null ? 'null' : typeof handler}`);
  }
}
