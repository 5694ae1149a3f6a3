import type { Attributes, HrTime } from '@opentelemetry/api';
import type { HistogramPoint, MetricRecord, NumberPoint } from '../metric-record.ts';
import type { LineWriter } from '../stdout-records.ts';
import {
  checkNamespace,
  cloudWatchUnit,
  isDimensionName,
  isDimensionValue,
  isMetricName,
  MAX_DIMENSIONS,
  MAX_METRICS_PER_DOCUMENT,
} from './emf-rules.ts';

export interface EmfOptions {
  /** The CloudWatch namespace of every metric; an invalid one falls back to `faas-observability` (see the result's notes). */
  readonly namespace: string;
}

export interface EmfResult {
  /** The namespace written (the default when the one given was not valid). */
  readonly namespace: string;
  /** Lines written. */
  readonly documents: number;
  /** What had to change or be left out, once each (at most a few): for the diagnostic line. */
  readonly notes: readonly string[];
}

/** A histogram as a CloudWatch statistic set: exact sample count, sum, minimum and maximum. */
interface StatisticSet {
  readonly Count: number;
  readonly Sum: number;
  readonly Min: number;
  readonly Max: number;
}
type EmfValue = number | StatisticSet;
type Dimensions = readonly (readonly [string, string])[];
interface Document {
  readonly metrics: Map<string, { readonly unit: string; readonly value: EmfValue }>;
}
interface Group {
  readonly timestamp: number;
  readonly dimensions: Dimensions;
  readonly documents: Document[];
}

/**
 * Writes metric records as CloudWatch embedded metric format documents, one JSON line each, for Lambda's log
 * capture to turn into metrics (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
 *
 * - Points with the same time (`_aws.Timestamp`, in ms) and dimensions share a document; at most 100 metrics
 *   a document, and a metric name once a document (a second point of that name goes to the next one), so each
 *   value is written exactly once.
 * - Dimensions: the point's string, number and boolean attributes (as strings), and the resource's
 *   `service.name` unless the point has its own: one value per function, so it costs no cardinality and keeps
 *   two functions sharing a namespace apart. Attributes of other kinds (arrays), names or values CloudWatch
 *   refuses (non-ASCII, too long, blank) and those past 30 (in key order; `service.name` kept) are left out
 *   of the document, and said so in the notes.
 * - Sums and gauges: the value (with delta temporality, the default, what happened in the period, which
 *   CloudWatch's Sum adds up; a cumulative sum is its running total). Non-finite values are left out.
 * - Histograms: a statistic set `{Count, Sum, Min, Max}`, from which CloudWatch gives exact SampleCount, Sum,
 *   Minimum, Maximum and Average, but no percentiles. It is what AWS's own OpenTelemetry exporters write for
 *   explicit-bucket histograms (the collector's awsemfexporter, datapoint.go; aws-otel-python-instrumentation,
 *   base_emf_exporter.py). `Values`/`Counts` arrays would give percentiles but need one value per bucket, and
 *   an explicit bucket has no value (its first and last are unbounded), so a midpoint would skew the Sum the
 *   statistics are read from. An empty histogram (count 0) has nothing to say and is skipped.
 *
 * @example
 * writeMetricsAsEmf(records, (line) => process.stdout.write(`${line}\n`), { namespace: 'orders' });
 */
export function writeMetricsAsEmf(records: readonly MetricRecord[], write: LineWriter, options: EmfOptions): EmfResult {
  const { namespace, reason } = checkNamespace(options.namespace);
  const notes = new Notes();
  if (reason) notes.add(reason);
  const groups = new Map<string, Group>();
  for (const record of records) {
    if (!isMetricName(record.name)) {
      notes.add(`the metric name ${JSON.stringify(record.name.slice(0, 60))} is not one CloudWatch takes: left out`);
      continue;
    }
    const unit = cloudWatchUnit(record.unit);
    const service = record.resource.attributes['service.name'];
    for (const point of record.data.points as readonly (NumberPoint | HistogramPoint)[]) {
      const value = 'count' in point ? statisticSet(point) : point.value;
      if (value === undefined) continue;
      if (!(typeof value === 'number' ? Number.isFinite(value) : Object.values(value).every(Number.isFinite))) {
        notes.add(`${record.name}: a value JSON cannot hold (NaN or infinite) left out`);
        continue;
      }
      const dimensions = dimensionsOf(point.attributes, service, notes);
      if (dimensions.some(([key]) => key === record.name)) {
        notes.add(`${record.name}: an attribute of the metric's own name cannot be a dimension; the point is left out`);
        continue;
      }
      const group = groupOf(groups, toMilliseconds(point.time), dimensions);
      place(group, record.name, unit, value);
    }
  }
  let documents = 0;
  for (const group of groups.values()) {
    for (const document of group.documents) {
      try {
        write(JSON.stringify(emfDocument(namespace, group, document)));
        documents++;
      } catch {
        // The last resort has nothing left to try.
      }
    }
  }
  return { namespace, documents, notes: notes.list() };
}

function statisticSet(point: HistogramPoint): StatisticSet | undefined {
  if (point.count === 0) return undefined;
  return { Count: point.count, Sum: point.sum, Min: point.min, Max: point.max };
}

function toMilliseconds([seconds, nanos]: HrTime): number {
  return seconds * 1000 + Math.floor(nanos / 1e6);
}

function dimensionsOf(attributes: Attributes, service: unknown, notes: Notes): Dimensions {
  const dimensions = new Map<string, string>();
  if (typeof service === 'string' && isDimensionValue(service) && !Object.hasOwn(attributes, 'service.name')) {
    dimensions.set('service.name', service);
  }
  for (const key of Object.keys(attributes).sort()) {
    const raw = attributes[key];
    if (raw === undefined || raw === null) continue;
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
      notes.add(`attribute "${key}" is ${Array.isArray(raw) ? 'an array' : 'not a string, number or boolean'}: not a dimension, left out`);
    } else if (!isDimensionName(key) || !isDimensionValue(String(raw))) {
      notes.add(`attribute "${key.slice(0, 60)}" has a name or value CloudWatch does not take as a dimension: left out`);
    } else if (dimensions.size >= MAX_DIMENSIONS) {
      notes.add(`more than ${MAX_DIMENSIONS} dimensions: "${key.slice(0, 60)}" and those after it left out`);
      break;
    } else dimensions.set(key, String(raw));
  }
  return [...dimensions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function groupOf(groups: Map<string, Group>, timestamp: number, dimensions: Dimensions): Group {
  const key = JSON.stringify([timestamp, dimensions]);
  let group = groups.get(key);
  if (!group) groups.set(key, (group = { timestamp, dimensions, documents: [] }));
  return group;
}

/** Into the first document of the group that has room and not this name yet, or a new one. */
function place(group: Group, name: string, unit: string, value: EmfValue): void {
  let document = group.documents.find((d) => d.metrics.size < MAX_METRICS_PER_DOCUMENT && !d.metrics.has(name));
  if (!document) group.documents.push((document = { metrics: new Map() }));
  document.metrics.set(name, { unit, value });
}

function emfDocument(namespace: string, group: Group, document: Document): Record<string, unknown> {
  const metrics = [...document.metrics];
  return {
    _aws: {
      Timestamp: group.timestamp,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
          Dimensions: [group.dimensions.map(([key]) => key)],
          Metrics: metrics.map(([name, { unit }]) => ({ Name: name, Unit: unit })),
        },
      ],
    },
    ...Object.fromEntries(group.dimensions),
    ...Object.fromEntries(metrics.map(([name, { value }]) => [name, value])),
  };
}

/** Distinct notes, the first few only: one bad attribute on every point is one note, not thousands. */
class Notes {
  readonly #notes = new Set<string>();
  add(note: string): void {
    if (this.#notes.size < 5) this.#notes.add(note);
  }
  list(): string[] {
    return [...this.#notes];
  }
}
