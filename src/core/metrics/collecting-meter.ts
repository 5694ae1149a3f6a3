import {
  ValueType,
  type BatchObservableCallback,
  type Counter,
  type Gauge,
  type Histogram,
  type HrTime,
  type Meter,
  type MetricOptions,
  type Observable,
  type UpDownCounter,
} from '@opentelemetry/api';
import { hrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { MetricRecord } from '../../exporters/metric-record.ts';
import {
  GaugeStream,
  HistogramStream,
  SumStream,
  type InstrumentDescriptor,
  type InstrumentKind,
  type MetricStream,
  type StreamHost,
} from './instrument-streams.ts';
import { ObservableStream } from './observable-streams.ts';
import type { TemporalityOf } from './temporality.ts';

// https://opentelemetry.io/docs/specs/otel/metrics/api/#instrument-name-syntax
const INSTRUMENT_NAME = /^[A-Za-z][\w.\-/]{0,254}$/;

const STREAMS: Record<InstrumentKind, new (descriptor: InstrumentDescriptor, host: StreamHost, now: HrTime) => MetricStream> = {
  counter: SumStream,
  upDownCounter: SumStream,
  gauge: GaugeStream,
  histogram: HistogramStream,
  observableCounter: ObservableStream,
  observableUpDownCounter: ObservableStream,
  observableGauge: ObservableStream,
};

/**
 * One meter of a `CollectingMeterProvider`: its instruments (one stream per name) and batch callbacks, under
 * one instrumentation scope.
 *
 * @example
 * const meter = new CollectingMeter({ name: 'orders' }, host);
 * meter.createCounter('orders.placed').add(1);
 */
export class CollectingMeter implements Meter {
  readonly scope: InstrumentationScope;
  readonly streams = new Map<string, MetricStream>();
  readonly #host: StreamHost;
  readonly #batchCallbacks = new Map<BatchObservableCallback, Set<Observable>>();

  constructor(scope: InstrumentationScope, host: StreamHost) {
    this.scope = scope;
    this.#host = host;
  }

  createCounter(name: string, options?: MetricOptions): Counter {
    return this.#stream(name, 'counter', options) as SumStream;
  }
  createUpDownCounter(name: string, options?: MetricOptions): UpDownCounter {
    return this.#stream(name, 'upDownCounter', options) as SumStream;
  }
  createHistogram(name: string, options?: MetricOptions): Histogram {
    return this.#stream(name, 'histogram', options) as HistogramStream;
  }
  createGauge(name: string, options?: MetricOptions): Gauge {
    return this.#stream(name, 'gauge', options) as GaugeStream;
  }
  createObservableCounter(name: string, options?: MetricOptions): Observable {
    return this.#stream(name, 'observableCounter', options) as ObservableStream;
  }
  createObservableUpDownCounter(name: string, options?: MetricOptions): Observable {
    return this.#stream(name, 'observableUpDownCounter', options) as ObservableStream;
  }
  createObservableGauge(name: string, options?: MetricOptions): Observable {
    return this.#stream(name, 'observableGauge', options) as ObservableStream;
  }

  addBatchObservableCallback(callback: BatchObservableCallback, observables: Observable[]): void {
    if (typeof callback !== 'function' || !Array.isArray(observables)) return;
    const known = observables.filter((observable): observable is ObservableStream => observable instanceof ObservableStream);
    this.#batchCallbacks.set(callback, new Set(known));
  }

  removeBatchObservableCallback(callback: BatchObservableCallback): void {
    this.#batchCallbacks.delete(callback);
  }

  /** Starts a collection: runs every callback once and returns what they returned (promises are awaited). */
  observe(): unknown[] {
    const returned: unknown[] = [];
    for (const stream of this.streams.values()) {
      if (!(stream instanceof ObservableStream)) continue;
      stream.begin();
      returned.push(...stream.runCallbacks());
    }
    for (const [callback, observables] of this.#batchCallbacks) {
      const result = {
        observe: (observable: Observable, value: number, attributes?: Record<string, never>) => {
          if (observables.has(observable)) (observable as ObservableStream).observe(value, attributes);
        },
      };
      try {
        returned.push(callback(result));
      } catch (error) {
        this.#host.problem(`a batch metric callback threw (${String(error)})`);
      }
    }
    return returned;
  }

  take(resource: Resource, temporality: TemporalityOf, now: HrTime, into: MetricRecord[]): void {
    for (const stream of this.streams.values()) {
      const data = stream.collect(temporality(stream.descriptor.kind), now);
      if (!data) continue;
      const { name, description, unit, valueType } = stream.descriptor;
      into.push({ resource, instrumentationScope: this.scope, name, description, unit, valueType, data });
    }
  }

  /**
   * The instrument's stream: one per name (names are case-insensitive); a second create of the same name
   * and kind gets the same stream, one of another kind a stream of its own and a warning, as the SDK does.
   */
  #stream(name: string, kind: InstrumentKind, options: MetricOptions = {}): MetricStream {
    const text = String(name);
    if (!INSTRUMENT_NAME.test(text))
      this.#host.problem(`metric "${text.slice(0, 64)}": not a valid instrument name (letters, digits, _ . - /, 255 at most)`);
    const key = text.toLowerCase();
    const found = this.streams.get(key) ?? this.streams.get(`${key}\u0000${kind}`);
    if (found?.descriptor.kind === kind) return found;
    const descriptor: InstrumentDescriptor = {
      name: text,
      description: typeof options.description === 'string' ? options.description : '',
      unit: typeof options.unit === 'string' ? options.unit : '',
      valueType: options.valueType === ValueType.INT ? 'int' : 'double',
      kind,
    };
    const now = hrTime();
    const boundaries = kind === 'histogram' ? boundariesOf(options, this.#host, text) : undefined;
    const stream = boundaries
      ? new HistogramStream(descriptor, this.#host, now, boundaries)
      : new STREAMS[kind](descriptor, this.#host, now);
    if (found) this.#host.problem(`metric ${text}: created again as another kind of instrument; both are exported`);
    this.streams.set(found ? `${key}\u0000${kind}` : key, stream);
    return stream;
  }
}

/** The advised bucket boundaries, when they are usable (finite, strictly increasing); else the default ones. */
function boundariesOf(options: MetricOptions, host: StreamHost, name: string): readonly number[] | undefined {
  const advised = options.advice?.explicitBucketBoundaries;
  if (advised === undefined) return undefined;
  const usable = Array.isArray(advised) && advised.every((b, i) => Number.isFinite(b) && (i === 0 || b > advised[i - 1]!));
  if (usable) return Object.freeze([...advised]);
  host.problem(`metric ${name}: its explicitBucketBoundaries are not finite increasing numbers; the default buckets are used`);
  return undefined;
}
