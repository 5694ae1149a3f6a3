/**
 * An independent reader of CloudWatch embedded metric format lines, against the published specification
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * its JSON Schema (test/fixtures/emf-schema.json, validated with Ajv) for `_aws`, and the rules the schema
 * does not carry, checked here: at most 100 MetricDefinitions a directive, every referenced target a root
 * member, dimension targets strings, metric targets a number or an array of at most 100 numbers. One more
 * metric target is taken, the statistic set `{Count, Sum, Min, Max}` AWS's own exporters write for histograms
 * (not in the specification's text): a reader that refused it would refuse what CloudWatch takes.
 */
import { Ajv } from 'ajv';
import { readFileSync } from 'node:fs';

const schema = JSON.parse(readFileSync(new URL('../fixtures/emf-schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true }).compile(schema);

export type EmfValue = number | number[] | { Count: number; Sum: number; Min: number; Max: number };

/** One metric value as CloudWatch would extract it from a document. */
export interface EmfEntry {
  namespace: string;
  timestamp: number;
  name: string;
  unit: string;
  dimensions: Record<string, string>;
  value: EmfValue;
}

export interface EmfDocumentRead {
  entries: EmfEntry[];
  dimensionCount: number;
  metricCount: number;
}

/** Reads one line; throws with the reason when it is not a valid EMF document. */
export function readEmfLine(line: string): EmfDocumentRead {
  const document = JSON.parse(line) as Record<string, unknown> & { _aws: any };
  if (!validate(document)) throw new Error(`not valid against the EMF schema: ${JSON.stringify(validate.errors)}\n${line}`);
  const entries: EmfEntry[] = [];
  let dimensionCount = 0;
  let metricCount = 0;
  for (const directive of document._aws.CloudWatchMetrics) {
    if (directive.Metrics.length > 100) throw new Error(`${directive.Metrics.length} MetricDefinitions in one directive`);
    metricCount += directive.Metrics.length;
    for (const set of directive.Dimensions as string[][]) {
      dimensionCount = Math.max(dimensionCount, set.length);
      for (const key of set) {
        if (typeof document[key] !== 'string') throw new Error(`dimension target ${key} is not a string member`);
      }
    }
    for (const { Name, Unit } of directive.Metrics as { Name: string; Unit?: string }[]) {
      const value = metricTarget(document[Name], Name);
      for (const set of directive.Dimensions as string[][]) {
        const dimensions = Object.fromEntries(set.map((key) => [key, document[key] as string]));
        entries.push({
          namespace: directive.Namespace,
          timestamp: document._aws.Timestamp,
          name: Name,
          unit: Unit ?? 'None',
          dimensions,
          value,
        });
      }
    }
  }
  return { entries, dimensionCount, metricCount };
}

function metricTarget(value: unknown, name: string): EmfValue {
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  if (isNumber(value)) return value;
  if (Array.isArray(value) && value.length <= 100 && value.every(isNumber)) return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const set = value as Record<string, unknown>;
    const keys = Object.keys(set).sort().join();
    if (
      keys === 'Count,Max,Min,Sum' &&
      [set.Count, set.Sum, set.Min, set.Max].every(isNumber) &&
      (set.Count as number) > 0 &&
      (set.Min as number) <= (set.Max as number)
    ) {
      return set as EmfValue;
    }
  }
  throw new Error(`metric target ${name} is not a number, an array of at most 100 numbers or a statistic set: ${JSON.stringify(value)}`);
}
