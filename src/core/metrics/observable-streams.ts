import type { Attributes, HrTime, ObservableCallback, ObservableResult } from '@opentelemetry/api';
import type { MetricData, MetricTemporality, NumberPoint } from '../../exporters/metric-record.ts';
import { acceptable, type InstrumentDescriptor, type MetricStream, type StreamHost } from './instrument-streams.ts';
import { SeriesTable, seriesKey } from './series-table.ts';

interface Observation {
  readonly attributes: Attributes;
  value: number;
}

/**
 * An observable counter, up-down counter or gauge: its callbacks run at each collection (once per flush),
 * and what they observe is the point. A counter's callback observes a running total; delta temporality
 * reports what it grew by since the last collection, as the SDK does.
 */
export class ObservableStream implements MetricStream {
  readonly descriptor: InstrumentDescriptor;
  readonly #host: StreamHost;
  readonly #callbacks = new Set<ObservableCallback>();
  readonly #created: HrTime;
  #last: HrTime;
  #observations: SeriesTable<Observation> | undefined;
  /** The totals observed at the previous collection, per series (for delta temporality). */
  #previous = new Map<string, number>();

  constructor(descriptor: InstrumentDescriptor, host: StreamHost, now: HrTime) {
    this.descriptor = descriptor;
    this.#host = host;
    this.#created = now;
    this.#last = now;
  }

  addCallback(callback: ObservableCallback): void {
    if (typeof callback === 'function') this.#callbacks.add(callback);
  }

  removeCallback(callback: ObservableCallback): void {
    this.#callbacks.delete(callback);
  }

  /** Starts a collection: what the callbacks observe from now until `collect` is its point. */
  begin(): void {
    this.#observations = new SeriesTable(
      (attributes) => ({ attributes, value: 0 }),
      () => this.#host.cardinalityLimit,
    );
  }

  /** The instrument's own callbacks, each called once; what they return is awaited by the caller. */
  runCallbacks(): unknown[] {
    const result: ObservableResult = { observe: (value, attributes) => this.observe(value, attributes) };
    const returned: unknown[] = [];
    for (const callback of this.#callbacks) {
      try {
        returned.push(callback(result));
      } catch (error) {
        this.#host.problem(`metric ${this.descriptor.name}: its callback threw (${String(error)})`);
      }
    }
    return returned;
  }

  observe(value: number, attributes?: Attributes): void {
    const accepted = acceptable(this.descriptor, this.#host, value);
    // An observation outside a collection (a callback that kept its result) has no point to go to.
    if (accepted !== undefined && this.#observations) this.#observations.cell(attributes).value = accepted;
  }

  collect(temporality: MetricTemporality, now: HrTime): MetricData | undefined {
    const observations = this.#observations?.take() ?? [];
    this.#observations = undefined;
    const startTime = temporality === 'delta' ? this.#last : this.#created;
    this.#last = now;
    if (observations.length === 0) return undefined;
    const points: NumberPoint[] = observations.map(({ attributes, value }) => ({
      attributes,
      startTime,
      time: now,
      value: this.descriptor.kind === 'observableGauge' || temporality === 'cumulative' ? value : this.#grownBy(attributes, value),
    }));
    if (this.descriptor.kind === 'observableGauge') return { type: 'gauge', points };
    return { type: 'sum', monotonic: this.descriptor.kind === 'observableCounter', temporality, points };
  }

  /** A total's change since the previous collection; a counter that went down was reset, and counts from zero. */
  #grownBy(attributes: Attributes, total: number): number {
    const key = seriesKey(attributes);
    const previous = this.#previous.get(key) ?? 0;
    this.#previous.set(key, total);
    const grown = total - previous;
    return grown < 0 && this.descriptor.kind === 'observableCounter' ? total : grown;
  }
}
