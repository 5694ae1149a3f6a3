import { SpanKind, isSpanContextValid, trace, type Attributes, type Span, type TextMapPropagator, type Tracer } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import type { Diagnostics } from '../diagnostics.ts';
import { recordHttpStatus } from '../http-status.ts';
import { activeContext } from '../process-owner.ts';
import { recordSpanError } from '../span-error.ts';
import { OutcomeSpan } from '../outcome-span.ts';
import { shouldPropagate, type PropagationLists, type RequestView } from './propagation-policy.ts';
import { urlFull } from './url-full.ts';

/** An outgoing HTTP request as an instrumentation point sees it, before its headers are sent. */
export interface OutboundRequest extends RequestView {
  readonly method: string;
  /** Adds a header; false when it is too late (the headers were sent). */
  setHeader(name: string, value: string): boolean;
}

/** The span of one outgoing request: its instrumentation point calls one of these when the answer is known. */
export interface OutboundSpan {
  response(statusCode: number): void;
  error(error: unknown): void;
}

export interface OutboundTracerInputs {
  readonly tracer: Tracer;
  readonly propagator: TextMapPropagator;
  readonly lists: PropagationLists;
  readonly diagnostics: Diagnostics;
  /** Told each request's duration (seconds) and its span's attributes when it ends: the HTTP client metric. */
  readonly requestEnded?: ((durationS: number, attributes: Attributes) => void) | undefined;
}

/** Starts CLIENT spans for outgoing requests; shared by the Node channels (Lambda) and edge fetch wrappers. */
export interface OutboundTracer {
  /** A span for `request`, child of the active span, with the trace context injected when the policy allows; undefined outside a trace or while tracing is suppressed (the library's own exports). */
  start(request: OutboundRequest): OutboundSpan | undefined;
}

const KNOWN_METHODS = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'TRACE', 'QUERY']);

/**
 * Makes the outbound half of a trace: a CLIENT span per request, named by its method, with the HTTP client
 * semantic conventions (`http.request.method`, `url.full` without credentials, `server.address`/`server.port`,
 * `http.response.status_code`, `error.type`), and W3C `traceparent`/`tracestate`/`baggage` injected where
 * `shouldPropagate` allows. Requests made outside an invocation (the runtime's own) get no span.
 *
 * @example
 * const outbound = createOutboundTracer({ tracer, propagator, lists, diagnostics });
 * const span = outbound.start(request); // later: span?.response(200)
 */
export function createOutboundTracer(inputs: OutboundTracerInputs): OutboundTracer {
  const { tracer, propagator, lists, diagnostics } = inputs;
  return {
    start(request) {
      const active = activeContext();
      const parent = trace.getSpanContext(active);
      if (isTracingSuppressed(active) || !parent || !isSpanContextValid(parent)) return undefined;
      const attributes = requestAttributes(request);
      const span = tracer.startSpan(request.method.toUpperCase(), { kind: SpanKind.CLIENT, attributes }, active);
      if (shouldPropagate(lists, request)) {
        propagator.inject(trace.setSpan(active, span), request, {
          set: (carrier, name, value) => {
            if (!carrier.setHeader(name, value)) diagnostics.debug(`could not add ${name} to a request whose headers were sent`);
          },
        });
      }
      return outboundSpan(span, attributes, inputs.requestEnded);
    },
  };
}

function requestAttributes(request: OutboundRequest) {
  const method = request.method.toUpperCase();
  const { url } = request;
  const defaultPort = url.protocol === 'https:' ? 443 : url.protocol === 'http:' ? 80 : undefined;
  const port = url.port === '' ? defaultPort : Number(url.port);
  return {
    'http.request.method': KNOWN_METHODS.has(method) ? method : '_OTHER',
    ...(KNOWN_METHODS.has(method) ? {} : { 'http.request.method_original': request.method }),
    'url.full': urlFull(url),
    'server.address': url.hostname.replace(/^\[|\]$/g, ''),
    ...(port === undefined ? {} : { 'server.port': port }),
  };
}

function outboundSpan(span: Span, attributes: Attributes, requestEnded: OutboundTracerInputs['requestEnded']): OutboundSpan {
  const startedMs = requestEnded && performance.now();
  // The metric takes what the recording sets (status code, error.type), whether or not the span is sampled.
  const watched = requestEnded ? new OutcomeSpan(span) : span;
  let ended = false;
  const end = (record: () => void) => {
    if (ended) return;
    ended = true;
    record();
    span.end();
    if (requestEnded && watched instanceof OutcomeSpan)
      requestEnded((performance.now() - startedMs!) / 1000, { ...attributes, ...watched.attributes });
  };
  return {
    response: (statusCode) => end(() => recordHttpStatus(watched, statusCode, 'client')),
    error: (error) =>
      end(() => {
        recordSpanError(watched, error, { typeFromCode: true });
      }),
  };
}
