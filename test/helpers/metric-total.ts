import type { ReceivedMetric } from '../../tools/otlp-decode.ts';

/**
 * The sum of every point of the metric `name` whose attributes include `attributes`, across every request
 * received: with delta temporality, the total since the first export. `field: 'count'` sums histogram counts.
 *
 * @example
 * expect(metricTotal(receiver.metrics, 'faas.errors', { 'faas.trigger': 'http' })).toBe(1);
 */
export function metricTotal(
  received: readonly ReceivedMetric[],
  name: string,
  attributes: Record<string, unknown> = {},
  field: 'value' | 'count' = 'value',
): number {
  return received
    .filter((metric) => metric.name === name)
    .flatMap((metric) => metric.points)
    .filter((point) => Object.entries(attributes).every(([key, value]) => point.attributes[key] === value))
    .reduce((sum, point) => sum + Number(point[field] ?? 0), 0);
}
