/**
 * Span and log batches that reach every corner of the OTLP encoding (every AnyValue kind and edge, several
 * resources and scopes, ids and flags, huge counts), from the SDK and by hand, for comparing encoders.
 */
import { ROOT_CONTEXT, SeverityNumber, SpanKind, SpanStatusCode, trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';

// Every kind of value an attribute, a log body or a kvlist entry can hold, and the edges of each encoding.
const VALUES: Record<string, unknown> = {
  empty: '',
  ascii: 'plain',
  utf8: 'héllo ✓ 日本 😀',
  loneHigh: 'a\ud800b',
  loneLow: '\udc00',
  long: 'x'.repeat(300), // a two-byte length: the reserved length byte moves the content
  longUtf8: 'é'.repeat(9000), // a three-byte length
  zero: 0,
  negativeZero: -0,
  one: 1,
  minusOne: -1,
  int127: 127,
  int128: 128,
  int31: 2 ** 31,
  minInt32: -(2 ** 31),
  uint32: 2 ** 32 - 1,
  int32: 2 ** 32,
  maxSafe: Number.MAX_SAFE_INTEGER,
  minSafe: Number.MIN_SAFE_INTEGER,
  int62: 2 ** 62,
  minInt64: -(2 ** 63),
  int63: 2 ** 63, // not an int64: a double
  huge: 1e300,
  half: 0.5,
  negative: -1.5,
  nan: NaN,
  infinity: Infinity,
  minusInfinity: -Infinity,
  tiny: Number.MIN_VALUE,
  yes: true,
  no: false,
  nothing: null,
  missing: undefined,
  noBytes: new Uint8Array(0),
  bytes: new Uint8Array([0, 255, 1, 128]),
  buffer: Buffer.from('buffer'),
  emptyArray: [],
  mixedArray: [1, 'a', null, undefined, true, 2.5, [2, [3, []]], { k: 'v' }],
  sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
  emptyObject: {},
  nested: { a: { b: { c: [1, { d: 'e', f: new Uint8Array([9]) }] } }, '2': 'numeric key', '1': 'first' },
  bigint: 10n,
  symbol: Symbol('s'),
  fn: () => 1,
  date: new Date(0),
};

export async function sdkSpans(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const make = (attributes: Record<string, string>, limits = {}) =>
    new TracerProvider({
      resource: resourceFromAttributes(attributes),
      spanLimits: limits,
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory })],
    });
  const main = make({ 'service.name': 'orders', 'cloud.region': 'eu-west-1' });
  const other = make({ 'service.name': 'other' }, { attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1 });
  const tracer = main.getTracer('scope-a', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30.0' });
  const bare = main.getTracer('');
  const remote: SpanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=x'),
  };
  const root = tracer.startSpan('root', {
    kind: SpanKind.SERVER,
    attributes: { s: 'v', n: 42, d: 0.25, b: true, list: ['a', 'b'], nums: [1, 2.5], mixed: [null, 'x', undefined] as string[] },
    links: [{ context: remote, attributes: { 'link.attr': 'x' } }, { context: { ...remote, isRemote: false, traceFlags: 0 } }],
  });
  root.addEvent('event one', { k: 'v', n: -7 });
  root.addEvent('event two');
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'bröken' });
  for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    tracer.startSpan(`child ${kind}`, { kind }, trace.setSpan(ROOT_CONTEXT, root)).end();
  }
  tracer.startSpan('remote child', {}, trace.setSpanContext(ROOT_CONTEXT, remote)).end();
  bare.startSpan('ok').setStatus({ code: SpanStatusCode.OK }).end();
  root.end();
  const limited = other
    .getTracer('limited')
    .startSpan('limited', { attributes: { a: 1, b: 2, c: 3, d: 4 }, links: [{ context: remote }, { context: remote }] });
  limited.addEvent('1').addEvent('2').addEvent('3');
  limited.end();
  return memory.getFinishedSpans();
}

export const SPAN_CONTEXT: SpanContext = { traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174', traceFlags: 1 };
const RESOURCE = resourceFromAttributes({ 'service.name': 'hand', nested: 'x' });

/** A span made by hand, with what the SDK would not let through (any attribute value, odd flags and counts). */
function handSpan(overrides: Partial<ReadableSpan> & { context?: SpanContext } = {}): ReadableSpan {
  const { context: spanContext = SPAN_CONTEXT, ...rest } = overrides;
  return {
    name: 'hand',
    kind: SpanKind.INTERNAL,
    spanContext: () => spanContext,
    parentSpanContext: undefined,
    startTime: [1795570323, 764012345],
    endTime: [1795570324, 1],
    status: { code: SpanStatusCode.UNSET },
    attributes: {},
    links: [],
    events: [],
    duration: [1, 0],
    ended: true,
    resource: RESOURCE,
    instrumentationScope: { name: 'hand' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...rest,
  };
}

const SCOPE_FULL = {
  name: 'full',
  version: '9',
  schemaUrl: 'https://schema/1',
  attributes: { 'scope.attr': [1, 2] },
  droppedAttributesCount: 3,
};
const RESOURCE_SCHEMA = resourceFromAttributes({ r: 1 }, { schemaUrl: 'https://schema/resource' });

export function handSpans(): ReadableSpan[] {
  return [
    handSpan({ attributes: VALUES as ReadableSpan['attributes'] }),
    handSpan({ instrumentationScope: SCOPE_FULL, resource: RESOURCE_SCHEMA, droppedAttributesCount: 2 ** 31, droppedEventsCount: 5 }),
    handSpan({
      context: { ...SPAN_CONTEXT, traceFlags: 0 },
      kind: undefined as unknown as SpanKind,
      status: { code: SpanStatusCode.OK, message: '' },
    }),
    handSpan({ context: { traceId: 'ABCDEF0123456789abcdef0123456789', spanId: '0000000000000000', traceFlags: 255 } }),
    handSpan({
      parentSpanContext: { ...SPAN_CONTEXT, isRemote: false },
      events: [{ name: 'é', time: [0, 0], attributes: { v: VALUES.nested as string }, droppedAttributesCount: 4 }],
      links: [{ context: { ...SPAN_CONTEXT, traceState: new TraceState('') }, droppedAttributesCount: 1 }],
      startTime: [4294967295, 999999999], // far past 2^64 ns? no: 4.29e18 ns < 1.8e19
      endTime: [0, 0],
    }),
    handSpan({ instrumentationScope: SCOPE_FULL, resource: RESOURCE_SCHEMA }), // same scope object, later: grouped with the second span
    handSpan({ name: 'long '.repeat(500_000) }), // a four-byte length, and a buffer grown many times
  ];
}

export async function sdkLogs(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'logs' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('console', '1.0.0', { schemaUrl: 'https://schema/logs' });
  const inSpan = trace.setSpanContext(ROOT_CONTEXT, SPAN_CONTEXT);
  logger.emit({ body: 'hello', severityNumber: SeverityNumber.INFO, severityText: 'INFO', context: inSpan, attributes: { n: 1 } });
  logger.emit({
    body: { nested: { list: [1, 'two', null] } },
    severityNumber: SeverityNumber.ERROR,
    eventName: 'app.event',
    timestamp: 1795570323764,
  });
  logger.emit({ body: new Uint8Array([1, 2, 3]), attributes: { bytes: new Uint8Array([4]), obj: { a: [true] } } });
  logger.emit({});
  provider.getLogger('other').emit({ body: 7, context: trace.setSpanContext(ROOT_CONTEXT, { ...SPAN_CONTEXT, traceFlags: 0 }) });
  await provider.forceFlush();
  return exporter.getFinishedLogRecords();
}

export function handLog(overrides: Partial<ReadableLogRecord>): ReadableLogRecord {
  return {
    hrTime: [1795570323, 764000001],
    hrTimeObserved: [1795570323, 764000002],
    resource: RESOURCE,
    instrumentationScope: { name: 'hand' },
    attributes: {},
    droppedAttributesCount: 0,
    ...overrides,
  } as ReadableLogRecord;
}

export function handLogs(): ReadableLogRecord[] {
  return [
    ...Object.entries(VALUES).map(([key, body]) =>
      handLog({ body: body as ReadableLogRecord['body'], attributes: { [key]: body } as ReadableLogRecord['attributes'] }),
    ),
    handLog({ body: null as unknown as string, severityNumber: SeverityNumber.UNSPECIFIED, severityText: '' }),
    handLog({ attributes: VALUES as ReadableLogRecord['attributes'], droppedAttributesCount: 9, eventName: 'évent', severityNumber: 24 }),
    handLog({ instrumentationScope: SCOPE_FULL, resource: RESOURCE_SCHEMA, spanContext: { ...SPAN_CONTEXT, traceFlags: 0 } }),
    handLog({ spanContext: { traceId: '', spanId: '', traceFlags: 1 } }),
  ];
}
