import type { ConfigEntry } from './config-entry.ts';

/** The metrics and tail-sampling rows of the configuration reference (`CONFIG_REFERENCE`), in the order of docs/configuration.md. */
export const METRICS_AND_SAMPLING: readonly ConfigEntry[] = [
  {
    option: 'metrics',
    env: ['OTEL_METRICS_EXPORTER'],
    default: 'otlp',
    meaning:
      '`otlp`: FaaS metrics and your meters, collected once per flush, to `/v1/metrics` (CloudWatch EMF lines on stdout on Lambda, JSON lines on the edge, when that fails); `emf`: EMF lines only, no endpoint; `none` (or `metrics: false`): off',
  },
  {
    env: ['OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE'],
    default: 'delta',
    meaning:
      "`delta`, `cumulative` or `lowmemory` (the OTLP exporter specification's table per instrument kind); option `metrics.temporality`",
  },
  {
    option: 'sampling',
    env: ['FAAS_OBSERVABILITY_TAIL_SAMPLING'],
    default: 'false',
    meaning:
      '`true`: one keep decision per invocation after its outcome, for its spans and logs together: kept when head-sampled, failed, logged at the keep level, slow, or `keepInvocation()` was called (option `sampling.tail`)',
  },
  {
    env: ['FAAS_OBSERVABILITY_KEEP_FAILED'],
    default: 'true',
    meaning:
      'tail sampling keeps an invocation that failed: threw, timed out, a 5xx, a batch item failure (its records below the export level included); option `sampling.keepFailed`',
  },
  {
    env: ['FAAS_OBSERVABILITY_KEEP_LOG_LEVEL'],
    default: 'error',
    meaning: 'tail sampling keeps an invocation that logged at or above this level (`off`: no such rule); option `sampling.keepLogLevel`',
  },
  {
    env: ['FAAS_OBSERVABILITY_KEEP_SLOWER_THAN_MS'],
    default: '—',
    meaning: 'tail sampling keeps an invocation that ran longer than this; option `sampling.keepSlowerThanMs`',
  },
  {
    env: ['FAAS_OBSERVABILITY_EXPORT_LOG_LEVEL'],
    default: 'all',
    meaning:
      'with tail sampling, records below this level are exported only with an invocation kept because it failed (stdout unchanged); option `sampling.exportLogLevel`',
  },
  {
    env: ['FAAS_OBSERVABILITY_METRICS_CARDINALITY_LIMIT'],
    default: '2000',
    meaning: 'series per instrument; past it, measurements go to the `otel.metric.overflow` series; option `metrics.cardinalityLimit`',
  },
  {
    env: ['FAAS_OBSERVABILITY_METRICS_NAMESPACE'],
    default: 'the service name',
    meaning: 'CloudWatch namespace of EMF lines; option `metrics.namespace`',
  },
];
