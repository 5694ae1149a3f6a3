import type { MetricTemporality } from '../../exporters/metric-record.ts';
import type { InstrumentKind } from './instrument-streams.ts';

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
