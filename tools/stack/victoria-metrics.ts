import { join, resolve } from 'node:path';
import { freePort } from '../loopback.ts';
import { onFreshPortsWhenTaken, type BackendProcess } from './process.ts';
import { startVictoriaBackend } from './victoria-backend.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Built by `npm run victoriametrics:build` (tools/victoriametrics-build.sh). */
export const VICTORIA_METRICS_BINARY = join(ROOT, '.cache/victoria-metrics/victoria-metrics');

export interface VictoriaMetricsStartOptions {
  /** A fixed HTTP port (the stack's default, 8428); a free loopback port when left out. */
  readonly httpPort?: number;
}

export interface RunningVictoriaMetrics {
  /** The HTTP base URL: PromQL at `/api/v1/query` (see `queryMetrics`), the web UI at `/vmui`. */
  readonly url: string;
  /** The OTLP/HTTP base endpoint for metrics (an exporter appends `/v1/metrics`). */
  readonly otlpEndpoint: string;
  readonly dir: string;
  readonly process: BackendProcess;
  /** Makes every sample ingested so far queryable at once (`/internal/force_flush`), instead of within a second. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts VictoriaMetrics (Apache-2.0), the metrics store of the tests and `npm run stack`: OTLP metrics in at
 * `/opentelemetry/v1/metrics`, PromQL (MetricsQL) out. Listens on loopback only (its default is every
 * interface), keeps its data in a temporary directory removed on stop. Resolves once `/health` answers 200.
 *
 * How it stores OTLP (lib/protoparser/opentelemetry of v1.151.0 and its docs/victoriametrics/integrations/
 * opentelemetry.md; checked by test/e2e/metrics-store.test.ts):
 * - Names as sent: without `-opentelemetry.usePrometheusNaming` (left off here) `faas.invocations` with unit
 *   `{invocation}` stays `faas.invocations` (no unit suffix, no `_total`), so PromQL selects it with
 *   `{__name__="faas.invocations"}`. With the flag it would be `faas_invocations_total`, labels `service_name`.
 * - Labels: every resource attribute (`-opentelemetry.promoteAllResourceAttributes`, on by default) and every
 *   point attribute under its own dotted name (`service.name`, `service.instance.id`, `faas.trigger`), and the
 *   scope as `scope.name` and `scope.version` ("unknown" when the scope has none).
 * - An explicit-bucket histogram becomes `<name>_count`, `<name>_sum` and `<name>_bucket` series, the buckets
 *   cumulative within each point with an `le` label per bound (`"10"`, …, `"+Inf"`).
 * - Temporality is not read: each delta point is one sample holding its own value ("VictoriaMetrics stores
 *   delta temporality metric values as is", since v1.132.0), and the docs advise `sum_over_time`: the exact
 *   total of a service's points is `sum(sum_over_time({__name__="faas.invocations","service.name"="orders-api"}[1h]))`.
 *   A plain instant selector returns only each series' last point.
 * - Deduplication is off unless `-dedup.minScrapeInterval` is set (the docs warn it loses delta points): not
 *   set here, so points of one series with the same timestamp (in one request or several) are all kept and
 *   all counted.
 * - `-search.latencyOffset=0s`: an instant query sees samples up to its own time (the default hides the last
 *   30 s as possibly incomplete); `-search.disableCache`: a query repeated while samples arrive is never
 *   answered from a cached result.
 *
 * @example
 * const metrics = await startVictoriaMetrics();
 * new OTLPMetricExporter({ url: `${metrics.otlpEndpoint}/v1/metrics` });
 */
export async function startVictoriaMetrics(options: VictoriaMetricsStartOptions = {}): Promise<RunningVictoriaMetrics> {
  return options.httpPort !== undefined ? startOnce(options.httpPort) : onFreshPortsWhenTaken(async () => startOnce(await freePort()));
}

async function startOnce(httpPort: number): Promise<RunningVictoriaMetrics> {
  const backend = await startVictoriaBackend('VictoriaMetrics', VICTORIA_METRICS_BINARY, httpPort, [
    '-search.latencyOffset=0s',
    '-search.disableCache',
    '-loggerLevel=WARN',
  ]);
  return { ...backend, otlpEndpoint: `${backend.url}/opentelemetry` };
}
