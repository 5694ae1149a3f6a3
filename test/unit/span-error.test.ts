import { SpanStatusCode } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { describeThrown, recordSpanError } from '../../src/core/span-error.ts';

const memory = new InMemorySpanExporter();
const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: memory })] }).getTracer('t');

/** Records `error` on a fresh span and returns the ended span as exported. */
function recorded(error: unknown, options?: { typeFromCode?: boolean }) {
  memory.reset();
  const span = tracer.startSpan('s');
  recordSpanError(span, error, options);
  span.end();
  return memory.getFinishedSpans()[0]!;
}

function throwingGetters(): Error {
  const error = new Error('hidden');
  for (const key of ['name', 'message', 'stack', 'code']) {
    Object.defineProperty(error, key, {
      get() {
        throw new Error(`${key} getter`);
      },
    });
  }
  return error;
}

const trapsThatThrow = new Proxy(new TypeError('behind a proxy'), {
  get() {
    throw new Error('get trap');
  },
});

const revoked = (() => {
  const { proxy, revoke } = Proxy.revocable(new Error('revoked'), {});
  revoke();
  return proxy;
})();

describe('recordSpanError: one way to record what was thrown, whatever it is', () => {
  it('an Error: its name as error.type, its message as status, an exception event with the stack', () => {
    const span = recorded(new RangeError('too far'));
    expect(span.attributes['error.type']).toBe('RangeError');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'too far' });
    expect(span.events[0]!.name).toBe('exception');
    expect(span.events[0]!.attributes).toMatchObject({ 'exception.type': 'RangeError', 'exception.message': 'too far' });
    expect(span.events[0]!.attributes!['exception.stacktrace']).toContain('RangeError: too far');
  });

  it('a network error: its code as error.type when asked (outbound requests)', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(recorded(refused, { typeFromCode: true }).attributes['error.type']).toBe('ECONNREFUSED');
    expect(recorded(refused).attributes['error.type']).toBe('Error');
  });

  it.each([
    ['an Error whose name, message, stack and code getters throw', throwingGetters(), 'Error', ''],
    ['a Proxy whose get trap throws', trapsThatThrow, 'Error', ''],
    ['a revoked Proxy', revoked, 'object', 'unprintable value'],
    ['a null-prototype object', Object.create(null) as object, 'object', 'unprintable value'],
    ['a string', 'plain words', 'string', 'plain words'],
    ['undefined', undefined, 'undefined', 'undefined'],
  ])('%s: recorded, never thrown', (_name, error, type, message) => {
    let span: ReturnType<typeof recorded> | undefined;
    expect(() => (span = recorded(error))).not.toThrow();
    expect(span!.attributes['error.type']).toBe(type);
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message });
    expect(span!.events.map((event) => event.attributes!['exception.type'])).toEqual([type]);
  });

  it('describeThrown reads each field once, as a plain string', () => {
    expect(describeThrown(Object.assign(new Error('m'), { code: 42 }))).toMatchObject({ name: 'Error', message: 'm' });
    expect(describeThrown(Object.assign(new Error('m'), { code: 42 })).code).toBeUndefined();
  });
});
