import {
  ROOT_CONTEXT,
  TraceFlags,
  isSpanContextValid,
  trace,
  type Context,
  type Link,
  type SpanContext,
  type TextMapGetter,
  type TextMapPropagator,
} from '@opentelemetry/api';

export type Carrier = Readonly<Record<string, string>>;

/**
 * Lower-cases header names and joins multi-value headers, so W3C `traceparent`/`tracestate`/`baggage`
 * are found whatever case the client or the AWS integration used.
 *
 * @example
 * normalizeHeaders({ TraceParent: '00-…' }); // { traceparent: '00-…' }
 */
export function normalizeHeaders(...sources: unknown[]): Carrier {
  const carrier: Record<string, string> = {};
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [name, value] of Object.entries(source as Record<string, unknown>)) {
      const text = Array.isArray(value) ? value.filter((item) => typeof item === 'string').join(',') : value;
      if (typeof text === 'string') carrier[name.toLowerCase()] = text;
    }
  }
  return carrier;
}

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key.toLowerCase()],
};

/** The context a carrier describes (remote parent and baggage), or ROOT_CONTEXT when it has none. */
export function extractContext(propagator: TextMapPropagator, carrier: Carrier): Context {
  return propagator.extract(ROOT_CONTEXT, carrier, getter);
}

/** A span link to the context a message carried: W3C `traceparent` first, then an X-Ray header. */
export function linkFromCarrier(propagator: TextMapPropagator, carrier: Carrier, xrayHeader?: string): Link | undefined {
  const spanContext =
    trace.getSpanContext(extractContext(propagator, carrier)) ?? (xrayHeader ? spanContextFromXRay(xrayHeader) : undefined);
  return spanContext && isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Parses an X-Ray trace header (`Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1`)
 * into a remote span context. https://docs.aws.amazon.com/xray/latest/devguide/xray-concepts.html#xray-concepts-tracingheader
 */
export function spanContextFromXRay(header: string): SpanContext | undefined {
  const fields = new Map<string, string>();
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(fields.get('root') ?? '');
  const parent = fields.get('parent') ?? '';
  if (!root || !/^[0-9a-f]{16}$/i.test(parent)) return undefined;
  const spanContext: SpanContext = {
    traceId: `${root[1]}${root[2]}`.toLowerCase(),
    spanId: parent.toLowerCase(),
    traceFlags: fields.get('sampled') === '1' ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
  };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}
