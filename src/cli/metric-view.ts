import type { ReceivedMetric } from './otlp-metrics.ts';

/**
 * Metrics as a short table: one row per metric and attribute set, delta points summed over everything received
 * (cumulative ones: their last point), histograms as count, sum and max in their unit. What the demo and
 * `npm run receiver` print under the traces.
 *
 * @example
 * console.log(renderMetrics(receiver.metrics));
 */
export function renderMetrics(metrics: readonly ReceivedMetric[]): string {
  const rows = new Map<
    string,
    { label: string; unit: string; histogram: boolean; value: number; count: number; sum: number; max: number }
  >();
  for (const metric of metrics) {
    for (const point of metric.points) {
      const attributes = Object.entries(point.attributes)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(', ');
      const label = attributes ? `${metric.name} {${attributes}}` : metric.name;
      const row = rows.get(label) ?? {
        label,
        unit: metric.unit,
        histogram: metric.type === 'histogram',
        value: 0,
        count: 0,
        sum: 0,
        max: -Infinity,
      };
      // Delta points add up; a cumulative or gauge point replaces the one before.
      const adds = metric.temporality === 1;
      row.value = adds ? row.value + (point.value ?? 0) : (point.value ?? row.value);
      row.count = adds ? row.count + (point.count ?? 0) : (point.count ?? row.count);
      row.sum = adds ? row.sum + (point.sum ?? 0) : (point.sum ?? row.sum);
      row.max = Math.max(row.max, point.max ?? -Infinity);
      rows.set(label, row);
    }
  }
  if (rows.size === 0) return 'no metrics received';
  const width = Math.min(48, Math.max(...[...rows.keys()].map((label) => label.length)));
  const lines = [...rows.values()]
    .sort((a, b) => a.label.localeCompare(b.label))
    .map((row) => {
      const unit = row.unit && !row.unit.startsWith('{') ? ` ${row.unit}` : '';
      const value = row.histogram
        ? `count ${row.count}, sum ${round(row.sum)}${unit}, max ${round(row.max)}${unit}`
        : `${round(row.value)}${unit}`;
      return `  ${row.label.padEnd(width)}  ${value}`;
    });
  return ['metrics (delta points added up):', ...lines].join('\n');
}

function round(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
