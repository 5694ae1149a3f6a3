import {
  ValueType,
  type BatchObservableCallback,
  type Counter,
  type Gauge,
  type Histogram,
  type HrTime,
  type Meter,
  type MeterOptions,
  type MeterProvider,
  type MetricOptions,
  type Observable,
  type UpDownCounter,
} from '@opentelemetry/api';
import { hrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { MetricRecord, MetricTemporality } from '../../exporters/metric-record.ts';
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
import { DEFAULT_CARDINALITY_LIMIT } from './series-table.ts';

// https://opentelemetry.io/docs/specs/otel/metrics/api/#instrument-name-syntax
const INSTRUMENT_NAME = /^[A-Za-z][\w.\-/]{0,254}$/;
const MAX_PROBLEMS = 20;

/**
 * A `MeterProvider` of the OpenTelemetry metrics API that aggregates in memory (a sum, last value or
 * explicit-bucket histogram per series, the SDK's default aggregations) and is collected on demand, once per
 * flush: there is no reader timer to outlive a freeze. Delta temporality forgets what it reported; cumulative
 * keeps counting. Memory grows with the series (bounded by the cardinality limit per instrument), never with
 * the calls. Measurements it cannot take are said once per collection (`takeProblems`), never thrown.
 *
 * @example
 * const provider = new CollectingMeterProvider();
 * provider.getMeter('orders').createCounter('orders.placed').add(1, { region: 'eu' });
 * const records = await provider.collect(resource, temporalityFor('delta'));
 */
export class CollectingMeterProvider implements MeterProvider {
  readonly #meters = new Map<string, CollectingMeter>();
  readonly #problems = new Set<string>();
  readonly #host: StreamHost;
  /** Series per instrument at most; the rest share the `otel.metric.overflow` series. */
  cardinalityLimit: number;

  constructor(options: { cardinalityLimit?: number } = {}) {
    this.cardinalityLimit = options.cardinalityLimit ?? DEFAULT_CARDINALITY_LIMIT;
    const problems = this.#problems;
    const limit = () => this.cardinalityLimit;
    this.#host = {
      get cardinalityLimit() {
        return limit();
      },
      problem(message) {
        if (problems.size < MAX_PROBLEMS) problems.add(message);
      },
    };
  }

  getMeter(name: string, version = '', options: MeterOptions = {}): Meter {
    const key = `${name}\u0000${version}\u0000${options.schemaUrl ?? ''}`;
    let meter = this.#meters.get(key);
    if (!meter) {
      const scope: InstrumentationScope = { name: String(name), version: version || undefined, schemaUrl: options.schemaUrl };
      this.#meters.set(key, (meter = new CollectingMeter(scope, this.#host)));
    }
    return meter;
  }

  /** Whether any instrument exists: a provider nobody used costs a flush nothing. */
  get used(): boolean {
    for (const meter of this.#meters.values()) if (meter.streams.size > 0) return true;
    return false;
  }

  /**
   * Runs the observable callbacks (awaiting those that return a promise), then takes one point per series
   * of every instrument that has something to report, as records under `resource` and their meter's scope.
   */
  collect(resource: Resource, temporality: TemporalityOf): MetricRecord[] | Promise<MetricRecord[]> {
    const pending: unknown[] = [];
    for (const meter of this.#meters.values()) pending.push(...meter.observe());
    const thenables = pending.filter(isThenable);
    if (thenables.length === 0) return this.#take(resource, temporality);
    return Promise.allSettled(thenables).then((results) => {
      for (const result of results)
        if (result.status === 'rejected') this.#host.problem(`a metric callback failed (${String(result.reason)})`);
      return this.#take(resource, temporality);
    });
  }

  #take(resource: Resource, temporality: TemporalityOf): MetricRecord[] {
    const now = hrTime();
    const records: MetricRecord[] = [];
    for (const meter of this.#meters.values()) meter.take(resource, temporality, now, records);
    return records;
  }

  /** What was dropped or went wrong since the last call, one sentence each (a handful at most). */
  takeProblems(): string[] {
    const problems = [...this.#problems];
    this.#problems.clear();
    return problems;
  }
}

/** The temporality each kind of instrument is collected with (`temporalityFor` reads the preference). */
export type TemporalityOf = (kind: InstrumentKind) => MetricTemporality;

/**
 * The OTLP exporter specification's table: `delta` makes counters and histograms delta (up-down counters stay
 * cumulative: a delta of a level means little), `lowmemory` the synchronous counters and histograms only,
 * `cumulative` everything. A gauge under a delta preference reports only the series set since the last
 * collection. https://opentelemetry.io/docs/specs/otel/metrics/sdk_exporters/otlp/#additional-environment-variable-configuration
 */
export function temporalityFor(preference: 'delta' | 'cumulative' | 'lowmemory'): TemporalityOf {
  if (preference === 'cumulative') return () => 'cumulative';
  const delta = preference === 'delta' ? DELTA_KINDS : LOW_MEMORY_DELTA_KINDS;
  return (kind) => (delta.has(kind) ? 'delta' : 'cumulative');
}

const DELTA_KINDS = new Set<InstrumentKind>(['counter', 'observableCounter', 'histogram', 'gauge', 'observableGauge']);
const LOW_MEMORY_DELTA_KINDS = new Set<InstrumentKind>(['counter', 'histogram', 'gauge', 'observableGauge']);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

const STREAMS: Record<InstrumentKind, new (descriptor: InstrumentDescriptor, host: StreamHost, now: HrTime) => MetricStream> = {
  counter: SumStream,
  upDownCounter: SumStream,
  gauge: GaugeStream,
  histogram: HistogramStream,
  observableCounter: ObservableStream,
  observableUpDownCounter: ObservableStream,
  observableGauge: ObservableStream,
};

class CollectingMeter implements Meter {
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
