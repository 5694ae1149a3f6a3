import { SpanKind, diag, trace, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import { ambient } from '../core/ambient.ts';
import { safeRead } from '../core/safe-read.ts';
import { recordSpanError } from '../core/span-error.ts';
import { INSTRUMENTATION_SCOPE } from '../core/telemetry.ts';
import { fullWarning, isMessageSend, withTraceAttributes } from './message-attributes.ts';

/**
 * The parts of an AWS SDK v3 client this uses (structural, so no SDK package is a dependency). Its
 * middleware stack is typed loosely so every client's generic stack fits; `Stack` is what is called.
 */
export interface AwsClientLike {
  readonly config: { readonly serviceId?: string; readonly region?: unknown };
  readonly middlewareStack: { add(middleware: never, options: never): void };
}

type Next = (args: { input: unknown }) => Promise<{ output: unknown }>;
interface Stack {
  add(
    middleware: (next: Next, context: { readonly commandName?: string }) => Next,
    options: { step: 'initialize'; name: string; priority: 'high' },
  ): void;
}

const MIDDLEWARE = 'faasObservabilityMiddleware';

/**
 * Observes an AWS SDK v3 client: each command gets a span (`SQS/SendMessage`), child of the active span,
 * with `rpc.system=aws-api`, `rpc.service`, `rpc.method`, `cloud.region`, `aws.request_id` and
 * `http.response.status_code`, ERROR with `error.type` when the call fails. SQS `SendMessage` /
 * `SendMessageBatch` and SNS `Publish` / `PublishBatch` are PRODUCER spans (messaging semantic conventions)
 * whose context goes into each message's attributes (`traceparent`, `tracestate`, `baggage`, within SQS's
 * limit of 10; a message with no room is sent as is, with one diagnostic), so the consumer's span links to
 * the producer. A middleware on the client's own stack: it survives bundling and the SDK's internal
 * refactors, unlike module hooks. Calling it again on the same client changes nothing. Returns the client.
 *
 * @example
 * import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
 * import { observeAwsClient } from 'faas-observability/aws';
 * const sqs = observeAwsClient(new SQSClient({}));
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hi' })); // the consumer joins this trace
 */
export function observeAwsClient<C extends AwsClientLike>(client: C): C {
  const service = client.config.serviceId ?? 'AWS';
  const warned = new Set<string>();
  try {
    (client.middlewareStack as unknown as Stack).add(
      (next, handlerContext) => async (args) => {
        const operation = (handlerContext.commandName ?? 'Unknown').replace(/Command$/, '');
        const started = await prepare(service, operation, args.input, client, warned);
        // The instrumentation failed: the call goes out as the caller made it.
        if (!started) return next(args);
        const { span, inner, input, run } = started;
        try {
          const result = await run.with(inner, () => next({ ...args, input }));
          recordMetadata(span, (result.output as { $metadata?: Metadata } | undefined)?.$metadata);
          return result;
        } catch (error) {
          recordError(span, error);
          throw error;
        } finally {
          span.end();
        }
      },
      { step: 'initialize', name: MIDDLEWARE, priority: 'high' },
    );
  } catch {
    // Added before: the stack refuses a second middleware of the same name, which is what we want.
  }
  return client;
}

/** The span, its context and the input to send (with the trace context in messages); undefined on failure. */
async function prepare(service: string, operation: string, input: unknown, client: AwsClientLike, warned: Set<string>) {
  try {
    const region = await regionOf(client);
    // The setup whose invocation makes the call, read without the API globals (registerGlobals: false).
    const { tracer, propagator, active, run } = ambient(INSTRUMENTATION_SCOPE);
    const span = startSpan(tracer, active, service, operation, region);
    const inner = trace.setSpan(active, span);
    const sent = isMessageSend(service, operation)
      ? withTraceAttributes(service, operation, input, inner, fullWarning(warned, service, operation), propagator)
      : input;
    return { span, inner, input: sent, run };
  } catch (error) {
    diag.debug(`could not observe ${service}.${operation}`, error);
    return undefined;
  }
}

function startSpan(tracer: Tracer, active: Context, service: string, operation: string, region: string | undefined): Span {
  const attributes: Attributes = { 'rpc.system': 'aws-api', 'rpc.service': service, 'rpc.method': operation };
  if (region) attributes['cloud.region'] = region;
  const producer = isMessageSend(service, operation);
  if (producer) {
    attributes['messaging.system'] = service === 'SQS' ? 'aws_sqs' : 'aws_sns';
    attributes['messaging.operation.type'] = 'send';
  }
  return tracer.startSpan(`${service}/${operation}`, { kind: producer ? SpanKind.PRODUCER : SpanKind.CLIENT, attributes }, active);
}

async function regionOf(client: AwsClientLike): Promise<string | undefined> {
  try {
    const region = client.config.region;
    const value: unknown = typeof region === 'function' ? await (region as () => unknown)() : region;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

interface Metadata {
  readonly requestId?: string;
  readonly httpStatusCode?: number;
}

function recordMetadata(span: Span, metadata: Metadata | undefined): void {
  if (metadata?.requestId) span.setAttribute('aws.request_id', metadata.requestId);
  if (metadata?.httpStatusCode !== undefined) span.setAttribute('http.response.status_code', metadata.httpStatusCode);
}

function recordError(span: Span, error: unknown): void {
  recordMetadata(
    span,
    safeRead(() => (error as { $metadata?: Metadata } | undefined)?.$metadata, undefined),
  );
  recordSpanError(span, error);
}
