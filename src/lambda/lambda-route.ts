import type { ObservabilityOptions } from '../core/config/options.ts';
import type { Diagnostics } from '../core/diagnostics.ts';
import type { TriggerAdapter } from '../core/trigger.ts';
import { userRoute } from '../triggers/http.ts';
import type { LambdaContext } from './lambda-types.ts';

/** What a Lambda `route` function is given for an HTTP event (API Gateway REST/HTTP API, ALB, Function URL). */
export interface LambdaRouteInput {
  /** `http.request.method`, upper case (`GET`). */
  readonly method: string;
  /** `url.path`, as the event carries it (`/orders/42`). */
  readonly path: string;
  /** The event as Lambda passed it. */
  readonly event: unknown;
  /** The invocation's Lambda context, when the handler was called with one. */
  readonly context: LambdaContext | undefined;
}

/**
 * Lambda options: the common ones, plus the route template of an HTTP request when your router knows it.
 *
 * @example
 * const options: LambdaObservabilityOptions = { route: ({ path }) => (path.startsWith('/orders/') ? '/orders/{id}' : undefined) };
 */
export interface LambdaObservabilityOptions extends ObservabilityOptions {
  /**
   * The route template that matched an HTTP request (`/orders/{id}`, `/orders/:id`), never the path itself: it
   * names the span (`GET /orders/{id}`) and sets `http.route`, which the HTTP metrics take. Called once per
   * HTTP invocation before the handler runs; `undefined` keeps what the event tells (the API Gateway route or
   * resource, else none). A throw is reported once and costs only the route.
   */
  readonly route?: (request: LambdaRouteInput) => string | undefined;
}

/**
 * The trigger with the user's route applied to its HTTP spans; the trigger itself for anything else. One small
 * object per invocation, and only with a `route` option.
 */
export function routedTrigger(
  trigger: TriggerAdapter,
  route: NonNullable<LambdaObservabilityOptions['route']>,
  context: LambdaContext | undefined,
  diagnostics: Diagnostics,
): TriggerAdapter {
  return {
    ...trigger,
    spanStart: (event, input) => {
      const start = trigger.spanStart(event, input);
      const { 'http.request.method': method, 'url.path': path } = start.attributes;
      if (start.attributes['faas.trigger'] !== 'http' || typeof method !== 'string' || typeof path !== 'string') return start;
      const template = userRoute(route, { method, path, event, context }, diagnostics);
      // Named `METHOD route`, as the HTTP conventions name a SERVER span: https://opentelemetry.io/docs/specs/semconv/http/http-spans/#name
      return template === undefined
        ? start
        : { ...start, name: `${method} ${template}`, attributes: { ...start.attributes, 'http.route': template } };
    },
  };
}
