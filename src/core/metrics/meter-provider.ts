import type { Meter, MeterOptions, MeterProvider } from '@opentelemetry/api';
import { hrTime, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { MetricRecord } from '../../exporters/metric-record.ts';
import type { StreamHost } from './instrument-streams.ts';
import { CollectingMeter } from './collecting-meter.ts';
import type { TemporalityOf } from './temporality.ts';
import { DEFAULT_CARDINALITY_LIMIT } from '../config/defaults.ts';

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

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}
