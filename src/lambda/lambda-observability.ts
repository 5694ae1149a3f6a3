import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { postWithNodeHttp } from '../exporters/transport/node-http-transport.ts';
import { resolveConfig } from '../core/config/resolve-config.ts';
import type { Env } from '../core/config/env-readers.ts';
import { bridgeConsole, captureInitLogs, type InitLogCapture } from '../console/init-log-capture.ts';
import { runInvocation } from '../core/invocation.ts';
import type { ObservabilityOptions } from '../core/config/options.ts';
import {
  STREAMING_HIGH_WATER_MARK_SYMBOL,
  STREAMING_SYMBOL,
  isLambdaContext,
  type LambdaCallback,
  type LambdaContext,
} from './lambda-types.ts';
import { lambdaArnAttributes, lambdaResourceAttributes } from './lambda-resource.ts';
import { createTelemetry, type Telemetry } from '../core/telemetry.ts';
import { triggerFor } from '../triggers/lambda/trigger-for.ts';

// Handlers are user functions of any shape; `unknown` parameters would reject typed handlers.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandler = (...args: any[]) => any;

/** A telemetry setup and the handlers wrapped with it. */
export interface LambdaObservability {
  /** Wraps `handler`; see `withObservability`. */
  wrap<H extends AnyHandler>(handler: H): H;
  /** The provider bundle, or undefined when `OTEL_SDK_DISABLED` is set. */
  readonly telemetry: Telemetry | undefined;
  /** Flushes and shuts the providers down and uninstalls the console bridge. */
  shutdown(): Promise<void>;
}

/**
 * Creates one telemetry setup (providers, exporters, console bridge) from options and the environment.
 * `withObservability` uses one per process; create your own for tests or to hold several setups.
 *
 * @example
 * const observability = createLambdaObservability({ serviceName: 'orders' });
 * export const handler = observability.wrap(async (event) => ({ statusCode: 200 }));
 */
export function createLambdaObservability(options: ObservabilityOptions = {}, env: Env = process.env): LambdaObservability {
  const config = resolveConfig(options, env);
  const initCapture = takeInitCapture();
  if (config.disabled) {
    initCapture?.bridge.uninstall();
    return { wrap: (handler) => passThrough(handler), telemetry: undefined, shutdown: async () => {} };
  }
  const telemetry = createTelemetry({
    config,
    options,
    detectedResource: lambdaResourceAttributes(env),
    contextManager: new AsyncLocalStorageContextManager(),
    transport: postWithNodeHttp,
    // Lambda captures stdout line by line; a synchronous pipe write lands before the freeze.
    lineWriter: (line) => process.stdout.write(`${line}\n`),
  });
  const bridge = bridgeConsole(telemetry, initCapture);
  // Provisioned concurrency initialises ahead of traffic: its first invocation is not a cold start.
  let coldStartPending = env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME ?? 'handler';

  // The invoked ARN rarely changes within an environment (one alias): derive its attributes once per ARN.
  let lastArn: { arn: string; attributes: Readonly<Attributes> } | undefined;
  const arnAttributes = (lambdaContext: LambdaContext): Readonly<Attributes> => {
    if (lastArn?.arn !== lambdaContext.invokedFunctionArn) {
      const version = lambdaContext.functionVersion ?? env.AWS_LAMBDA_FUNCTION_VERSION;
      lastArn = { arn: lambdaContext.invokedFunctionArn, attributes: lambdaArnAttributes(lambdaContext.invokedFunctionArn, version) };
    }
    return lastArn.attributes;
  };

  const wrap = <H extends AnyHandler>(handler: H): H => {
    assertHandler(handler);
    const streaming = (handler as unknown as Record<symbol, unknown>)[STREAMING_SYMBOL] === 'response';
    const callbackStyle = !streaming && handler.length >= 3;
    const observed = async function observed(event: unknown, second: unknown, ...rest: unknown[]): Promise<unknown> {
      // Lambda calls (event, context) or, for streaming handlers, (event, responseStream, context).
      const lambdaContext = isLambdaContext(second) ? second : isLambdaContext(rest[0]) ? rest[0] : undefined;
      const coldStart = coldStartPending;
      coldStartPending = false;
      const attributes: Attributes = lambdaContext
        ? { 'faas.coldstart': coldStart, 'faas.invocation_id': lambdaContext.awsRequestId, ...arnAttributes(lambdaContext) }
        : { 'faas.coldstart': coldStart };
      return runInvocation({
        telemetry,
        trigger: triggerFor(event),
        event,
        functionName: lambdaContext?.functionName ?? functionName,
        attributes,
        remainingTimeMs: lambdaContext ? () => lambdaContext.getRemainingTimeInMillis() : undefined,
        // Read per invocation: the runtime sets it for each event. Opt-in only (config.xray).
        xrayHeader: () => process.env._X_AMZN_TRACE_ID,
        run: () =>
          callbackStyle && lambdaContext === second
            ? callCallbackHandler(handler, event, lambdaContext as LambdaContext)
            : handler(event, second, ...rest),
      });
    };
    return copyStreamingSymbols(handler, observed) as unknown as H;
  };

  return {
    wrap,
    telemetry,
    async shutdown() {
      bridge?.uninstall();
      await telemetry.shutdown();
    },
  };
}

// On Lambda, console calls made while the handler module initialises are captured from the moment this
// module is imported (imports run first), then handed to the first setup created from process.env.
let pendingInitCapture = captureInitLogs(process.env);
function takeInitCapture(): InitLogCapture | undefined {
  const capture = pendingInitCapture;
  pendingInitCapture = undefined;
  return capture;
}

/**
 * Runs a callback-style handler `(event, context, callback)` as a promise, so the wrapper can flush
 * before the runtime sees the outcome (and so it also runs on Node 24, which has no callback handlers).
 * The first of callback or returned promise settles it.
 */
function callCallbackHandler(handler: AnyHandler, event: unknown, lambdaContext: LambdaContext): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const callback: LambdaCallback = (error, result) => (error !== undefined && error !== null ? reject(error) : resolve(result));
    const returned: unknown = handler(event, lambdaContext, callback);
    if (returned && typeof (returned as PromiseLike<unknown>).then === 'function') {
      (returned as PromiseLike<unknown>).then(resolve, reject);
    }
  });
}

function passThrough<H extends AnyHandler>(handler: H): H {
  assertHandler(handler);
  const passed = function passed(this: unknown, ...args: unknown[]) {
    return handler.apply(this, args);
  };
  return copyStreamingSymbols(handler, passed) as unknown as H;
}

/** Lambda recognises streaming handlers by these symbols; the wrapper must carry them. */
function copyStreamingSymbols(from: AnyHandler, to: AnyHandler): AnyHandler {
  for (const symbol of [STREAMING_SYMBOL, STREAMING_HIGH_WATER_MARK_SYMBOL]) {
    const value = (from as unknown as Record<symbol, unknown>)[symbol];
    if (value !== undefined) Object.defineProperty(to, symbol, { value, enumerable: false, writable: false });
  }
  return to;
}

function assertHandler(handler: unknown): asserts handler is AnyHandler {
  if (typeof handler !== 'function') {
    throw new TypeError(`withObservability expects a handler function, got ${handler === null ? 'null' : typeof handler}`);
  }
}

let processObservability: LambdaObservability | undefined;

/**
 * Wraps a Lambda handler (async, response-streaming, or callback-style) so each invocation gets one span,
 * console output becomes correlated log records, and everything is flushed before the function freezes.
 * Returns a new handler; the given one is not modified. Telemetry is created on the first call in a
 * process and shared by later calls (their options are ignored; use `createLambdaObservability` for more).
 *
 * @example
 * import { withObservability } from 'faas-observability/lambda';
 * export const handler = withObservability(async (event) => {
 *   console.log('order received', { orderId: event.id });
 *   return { statusCode: 200, body: 'ok' };
 * });
 */
export function withObservability<H extends AnyHandler>(handler: H, options?: ObservabilityOptions): H {
  if (processObservability === undefined) processObservability = createLambdaObservability(options);
  else if (options !== undefined) {
    processObservability.telemetry?.diagnostics.once(
      'second-options',
      'warn',
      'withObservability was called again with options: the telemetry of the first call is shared and these options are ignored (use createLambdaObservability for a separate setup)',
    );
  }
  return processObservability.wrap(handler);
}
