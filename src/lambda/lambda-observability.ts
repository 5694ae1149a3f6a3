import type { Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { bridgeConsole, endInitCapture } from '../console/init-log-capture.ts';
import type { Env } from '../core/config/env-readers.ts';
import { resolveConfig } from '../core/config/resolve-config.ts';
import { runInvocation, type InvocationInput } from '../core/invocation.ts';
import { routedOutbound } from '../core/ambient.ts';
import { setupOf } from '../core/invocation-context.ts';
import { holdHook, processContextManager } from '../core/process-owner.ts';
import { createTelemetry, type Telemetry } from '../core/telemetry.ts';
import { postWithNodeHttp } from '../exporters/transport/node-http-transport.ts';
import { readPartialSuccessLazily } from '../exporters/otlp/lazy-partial-success.ts';
import { writeMetricsAsEmf } from '../exporters/emf/emf-lines.ts';
import { triggerFor } from '../triggers/lambda/trigger-for.ts';
import {
  assertHandler,
  callCallbackHandler,
  copyStreamingSymbols,
  isStreaming,
  markObserved,
  passThrough,
  type AnyHandler,
} from './handler-shapes.ts';
import { writeStdoutLine } from './stdout-line.ts';
import { lambdaArnAttributes, lambdaResourceAttributes } from './lambda-resource.ts';
import { processPostResponseFlush, type PostResponseFlush } from './post-response-flush.ts';
import { isLambdaContext, type LambdaContext } from './lambda-types.ts';
import { warnIfNodeTooOld } from './node-version.ts';
import { installOutboundChannels } from './outbound-channels.ts';
import { routedTrigger, type LambdaObservabilityOptions } from './lambda-route.ts';
import { nodeRuntimeMeasures } from './runtime-measures.ts';

export type { AnyHandler } from './handler-shapes.ts';

/** A telemetry setup and the handlers wrapped with it. */
export interface LambdaObservability {
  /** Wraps `handler`; see `withObservability`. */
  wrap<H extends AnyHandler>(handler: H): H;
  /** The provider bundle, or undefined when `OTEL_SDK_DISABLED` is set. */
  readonly telemetry: Telemetry | undefined;
  /**
   * Detaches the setup (the other setups keep the console, the channels and the API; the last one to shut
   * down restores them), leaves the extension's flush list, then flushes and shuts the providers down.
   */
  shutdown(): Promise<void>;
}

/**
 * Creates one telemetry setup (providers, exporters) from options and the environment, and attaches it to
 * the process's console bridge, outbound instrumentation, API registration and extension, which every
 * setup shares. `withObservability` uses one per process; create your own for tests or to hold several.
 * Several setups each see their own: the records, spans and outbound requests of an invocation go to the
 * setup whose wrapped handler runs it, each exported by that setup under its own service.name; what
 * happens outside any invocation (init logs included) goes to the first setup attached.
 *
 * @example
 * const observability = createLambdaObservability({ serviceName: 'orders' });
 * export const handler = observability.wrap(async (event) => ({ statusCode: 200 }));
 */
export function createLambdaObservability(options: LambdaObservabilityOptions = {}, env: Env = process.env): LambdaObservability {
  const config = resolveConfig(options, env);
  if (config.disabled) {
    endInitCapture();
    return { wrap: (handler) => passThrough(handler), telemetry: undefined, shutdown: async () => {} };
  }
  const runtimeMeasures = nodeRuntimeMeasures();
  // Registers the internal extension now unless a preload or a top-level await did it already (docs/how-it-works.md).
  const extension = config.postResponseFlush ? processPostResponseFlush(env) : undefined;
  const telemetry = createTelemetry({
    // Batching holds records only while the extension runs: without it every invocation sends what it made.
    batchingActive: config.batching && extension ? () => extension.state() === 'active' : undefined,
    config,
    runtimeMeasures,
    detectedResource: lambdaResourceAttributes(env),
    contextManager: processContextManager(() => new AsyncLocalStorageContextManager()),
    transport: postWithNodeHttp,
    // node:zlib only once a body is gzipped (OTEL_EXPORTER_OTLP_COMPRESSION=gzip), not at import.
    gzip: (body) => process.getBuiltinModule('node:zlib').gzipSync(body),
    lineWriter: writeStdoutLine,
    // Its own chunk in a split artifact: loaded at the first failed OTLP export, never by a cold start.
    loadLoki: () => import('../exporters/loki/loki-push.ts'),
    // Its own chunk too: loaded only for an OTLP answer with a body (a collector that kept everything sends none).
    readPartialSuccess: readPartialSuccessLazily,
    // CloudWatch Logs turns these lines into metrics: the last resort of metrics, and the `emf` exporter.
    metricLines: (namespace) => (records, write) => writeMetricsAsEmf(records, write, { namespace }),
  });
  bridgeConsole(telemetry, writeStdoutLine);
  // An older Node still runs the rest, but its node:http requests would go untraced without a word.
  warnIfNodeTooOld(telemetry.diagnostics);
  // One subscription per process, serving the setup whose invocation makes the request.
  if (telemetry.outbound) holdHook('outbound-channels', telemetry, () => installOutboundChannels(routedOutbound, routedDebug));
  const flushAtSigterm = Object.assign((boundMs: number) => telemetry.flush(boundMs), { spill: () => telemetry.spillHeld() });
  extension?.attach(flushAtSigterm);
  const wrapHandler = handlerWrapper(telemetry, env, extension, options.route);
  const wrap: LambdaObservability['wrap'] = (handler) => {
    runtimeMeasures.handlerWrapped();
    return wrapHandler(handler);
  };
  return {
    wrap,
    telemetry,
    async shutdown() {
      extension?.detach(flushAtSigterm);
      await telemetry.shutdown();
    },
  };
}

const routedDebug = {
  debug: (message: string, ...args: unknown[]) => setupOf<Telemetry>()?.diagnostics.debug(message, ...args),
};

/** The `wrap` of one setup: the cold-start flag and the ARN attributes are shared by its handlers. */
function handlerWrapper(
  telemetry: Telemetry,
  env: Env,
  extension: PostResponseFlush | undefined,
  route: LambdaObservabilityOptions['route'],
): <H extends AnyHandler>(handler: H) => H {
  // Provisioned concurrency initialises ahead of traffic: its first invocation is not a cold start.
  let coldStartPending = env.AWS_LAMBDA_INITIALIZATION_TYPE !== 'provisioned-concurrency';
  const functionName = env.AWS_LAMBDA_FUNCTION_NAME ?? 'handler';
  const arnAttributes = arnAttributesOf(env);
  return <H extends AnyHandler>(handler: H): H => {
    assertHandler(handler);
    const streaming = isStreaming(handler);
    const callbackStyle = !streaming && handler.length >= 3;
    const observed = async function observed(event: unknown, second: unknown, ...rest: unknown[]): Promise<unknown> {
      // Lambda calls (event, context) or, for streaming handlers, (event, responseStream, context).
      const lambdaContext = isLambdaContext(second) ? second : isLambdaContext(rest[0]) ? rest[0] : undefined;
      const coldStart = coldStartPending;
      coldStartPending = false;
      const attributes: Attributes = lambdaContext
        ? { 'faas.coldstart': coldStart, 'faas.invocation_id': lambdaContext.awsRequestId, ...arnAttributes(lambdaContext) }
        : { 'faas.coldstart': coldStart };
      const after = afterResponse(extension, lambdaContext?.awsRequestId, streaming, telemetry);
      // `return await`: returning the promise from an async function costs two more turns and a promise.
      return await runInvocation({
        deferFlush: after.deferFlush,
        settled: after.settled,
        batched: after.batched,
        telemetry,
        trigger: route ? routedTrigger(triggerFor(event), route, lambdaContext, telemetry.diagnostics) : triggerFor(event),
        event,
        functionName: lambdaContext?.functionName ?? functionName,
        attributes,
        remainingTimeMs: lambdaContext ? () => lambdaContext.getRemainingTimeInMillis() : undefined,
        // Read per invocation: the runtime sets it for each event. Opt-in only (config.xray).
        xrayHeader: readXRayHeader,
        run: () =>
          callbackStyle && lambdaContext === second
            ? callCallbackHandler(handler, event, lambdaContext as LambdaContext)
            : handler(event, second, ...rest),
      });
    };
    return markObserved(copyStreamingSymbols(handler, observed)) as unknown as H;
  };
}

const readXRayHeader = (): string | undefined => process.env._X_AMZN_TRACE_ID;

type AfterResponse = Pick<InvocationInput, 'deferFlush' | 'settled' | 'batched'>;

const FLUSH_IN_HANDLER: AfterResponse = Object.freeze({});

/**
 * How this invocation flushes. With the extension active and a buffered response: after the runtime has
 * posted it (two `setImmediate` turns after the wrapper settles), and the extension waits for
 * that flush before Lambda may freeze. Otherwise (streaming, which already flushes after its response,
 * or no extension): in the handler, as before; the extension then waits for the handler only. With the
 * extension active, batched delivery may hold the records instead: the extension then asks for the next event
 * at once and Lambda freezes the environment with them (in memory, sent by a later invocation or at SIGTERM).
 */
function afterResponse(
  extension: PostResponseFlush | undefined,
  requestId: string | undefined,
  streaming: boolean,
  telemetry: Telemetry,
): AfterResponse {
  if (extension?.state() === 'failed') {
    telemetry.diagnostics.once('post-response-flush', 'warn', `flushing before each response: ${extension.failure() ?? ''}`);
  }
  if (extension?.state() !== 'active' || requestId === undefined) return FLUSH_IN_HANDLER;
  let settled!: () => void;
  extension.track(requestId, new Promise<void>((resolve) => (settled = resolve)));
  const batched = telemetry.batching !== undefined;
  if (streaming) return { settled, batched };
  // Two turns: aws-lambda-ric posts the response in a setImmediate queued after the wrapper settles.
  return { deferFlush: (flush) => void setImmediate(() => setImmediate(() => void flush().finally(settled))), batched };
}

/** The invoked ARN rarely changes within an environment (one alias): its attributes are derived once per ARN. */
function arnAttributesOf(env: Env): (lambdaContext: LambdaContext) => Readonly<Attributes> {
  let last: { arn: string; attributes: Readonly<Attributes> } | undefined;
  return (lambdaContext) => {
    if (last?.arn !== lambdaContext.invokedFunctionArn) {
      const version = lambdaContext.functionVersion ?? env.AWS_LAMBDA_FUNCTION_VERSION;
      last = { arn: lambdaContext.invokedFunctionArn, attributes: lambdaArnAttributes(lambdaContext.invokedFunctionArn, version) };
    }
    return last.attributes;
  };
}

// The one setup of the process that `withObservability` shares (one provider bundle per cold start: every bundle costs memory and init time).
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
export function withObservability<H extends AnyHandler>(handler: H, options?: LambdaObservabilityOptions): H {
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
