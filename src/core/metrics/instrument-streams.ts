import type { Attributes, HrTime } from '@opentelemetry/api';
import type { HistogramPoint, MetricData, MetricTemporality, NumberPoint } from '../../exporters/metric-record.ts';
import { SeriesTable } from './series-table.ts';

export type InstrumentKind =
  'counter' | 'upDownCounter' | 'histogram' | 'gauge' | 'observableCounter' | 'observableUpDownCounter' | 'observableGauge';

export interface InstrumentDescriptor {
  readonly name: string;
  readonly description: string;
  readonly unit: string;
  readonly valueType: 'int' | 'double';
  readonly kind: InstrumentKind;
}

/** What a stream needs from its provider: the series limit and where a dropped measurement is said. */
export interface StreamHost {
  readonly cardinalityLimit: number;
  problem(message: string): void;
}

/** The explicit bucket boundaries of the SDK's default histogram aggregation (the metrics SDK specification). */
export const DEFAULT_BOUNDARIES: readonly number[] = Object.freeze([
  0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000,
]);

/** One instrument's aggregation: measurements in, one `MetricData` per collection out (none when nothing happened). */
export interface MetricStream {
  readonly descriptor: InstrumentDescriptor;
  collect(temporality: MetricTemporality, now: HrTime): MetricData | undefined;
}

interface Window {
  /** When the stream was created: the start of every cumulative point. */
  readonly created: HrTime;
  /** When it was last collected: the start of the next delta point. */
  last: HrTime;
}

function startOf(window: Window, temporality: MetricTemporality, now: HrTime): HrTime {
  const start = temporality === 'delta' ? window.last : window.created;
  window.last = now;
  return start;
}

/**
 * A measurement the instrument can take, or undefined with the reason said once per collection:
 * the SDK drops non-finite values and truncates fractions of INT instruments the same way.
 */
export function acceptable(descriptor: InstrumentDescriptor, host: StreamHost, value: number): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    host.problem(`metric ${descriptor.name}: a value that is not a finite number was dropped`);
    return undefined;
  }
  return descriptor.valueType === 'int' && !Number.isInteger(value) ? Math.trunc(value) : value;
}

/** What sums and gauges share: one number per series, and the window their points cover. */
abstract class NumberStream implements MetricStream {
  readonly descriptor: InstrumentDescriptor;
  protected readonly host: StreamHost;
  protected readonly table: SeriesTable<{ readonly attributes: Attributes; value: number }>;
  readonly #window: Window;

  constructor(descriptor: InstrumentDescriptor, host: StreamHost, now: HrTime) {
    this.descriptor = descriptor;
    this.host = host;
    this.table = new SeriesTable(
      (attributes) => ({ attributes, value: 0 }),
      () => host.cardinalityLimit,
    );
    this.#window = { created: now, last: now };
  }

  protected abstract dataOf(points: NumberPoint[], temporality: MetricTemporality): MetricData;

  collect(temporality: MetricTemporality, now: HrTime): MetricData | undefined {
    // Delta: only the series changed since the last collection (a gauge is reported so by the SDK too).
    const cells = temporality === 'delta' ? this.table.take() : [...this.table.cells()];
    const startTime = startOf(this.#window, temporality, now);
    if (cells.length === 0) return undefined;
    return this.dataOf(
      cells.map(({ attributes, value }) => ({ attributes, startTime, time: now, value })),
      temporality,
    );
  }
}

/** Counters and up-down counters: the sum per series. */
export class SumStream extends NumberStream {
  add(value: number, attributes?: Attributes): void {
    const accepted = acceptable(this.descriptor, this.host, value);
    if (accepted === undefined) return;
    if (accepted < 0 && this.descriptor.kind === 'counter') {
      this.host.problem(`metric ${this.descriptor.name}: a counter only goes up; a negative value was dropped`);
      return;
    }
    this.table.cell(attributes).value += accepted;
  }

  protected dataOf(points: NumberPoint[], temporality: MetricTemporality): MetricData {
    return { type: 'sum', monotonic: this.descriptor.kind === 'counter', temporality, points };
  }
}

/** Synchronous gauges: the last value per series. */
export class GaugeStream extends NumberStream {
  record(value: number, attributes?: Attributes): void {
    const accepted = acceptable(this.descriptor, this.host, value);
    if (accepted !== undefined) this.table.cell(attributes).value = accepted;
  }

  protected dataOf(points: NumberPoint[]): MetricData {
    return { type: 'gauge', points };
  }
}

interface HistogramCell {
  readonly attributes: Attributes;
  count: number;
  sum: number;
  min: number;
  max: number;
  readonly buckets: number[];
}

/** Explicit-bucket histograms: count, sum, min, max and the count per bucket, per series. */
export class HistogramStream implements MetricStream {
  readonly descriptor: InstrumentDescriptor;
  readonly #host: StreamHost;
  readonly #boundaries: readonly number[];
  readonly #table: SeriesTable<HistogramCell>;
  readonly #window: Window;

  constructor(descriptor: InstrumentDescriptor, host: StreamHost, now: HrTime, boundaries: readonly number[] = DEFAULT_BOUNDARIES) {
    this.descriptor = descriptor;
    this.#host = host;
    this.#boundaries = boundaries;
    const buckets = boundaries.length + 1;
    this.#table = new SeriesTable(
      (attributes) => ({ attributes, count: 0, sum: 0, min: Infinity, max: -Infinity, buckets: new Array<number>(buckets).fill(0) }),
      () => host.cardinalityLimit,
    );
    this.#window = { created: now, last: now };
  }

  record(value: number, attributes?: Attributes): void {
    const accepted = acceptable(this.descriptor, this.#host, value);
    if (accepted === undefined) return;
    if (accepted < 0) {
      // The API asks histogram values to be non-negative; the SDK drops negative ones too.
      this.#host.problem(`metric ${this.descriptor.name}: a histogram takes no negative value; one was dropped`);
      return;
    }
    const cell = this.#table.cell(attributes);
    cell.count += 1;
    cell.sum += accepted;
    if (accepted < cell.min) cell.min = accepted;
    if (accepted > cell.max) cell.max = accepted;
    cell.buckets[bucketOf(this.#boundaries, accepted)]! += 1;
  }

  collect(temporality: MetricTemporality, now: HrTime): MetricData | undefined {
    const cells = temporality === 'delta' ? this.#table.take() : [...this.#table.cells()];
    const startTime = startOf(this.#window, temporality, now);
    if (cells.length === 0) return undefined;
    const boundaries = this.#boundaries;
    const points: HistogramPoint[] = cells.map((cell) => ({
      attributes: cell.attributes,
      startTime,
      time: now,
      count: cell.count,
      sum: cell.sum,
      min: cell.min,
      max: cell.max,
      boundaries,
      bucketCounts: [...cell.buckets],
    }));
    return { type: 'histogram', temporality, points };
  }
}

/**
 * The bucket `value` falls in: buckets are upper-inclusive, `(b[i-1], b[i]]`, the last one unbounded
 * (https://opentelemetry.io/docs/specs/otel/metrics/data-model/#histogram).
 */
export function bucketOf(boundaries: readonly number[], value: number): number {
  let low = 0;
  let high = boundaries.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= boundaries[middle]!) high = middle;
    else low = middle + 1;
  }
  return low;
}
