/** One series of an instant vector: its labels (`__name__` among them when the query keeps it) and its value. */
export interface MetricSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

interface PromResponse {
  status: 'success' | 'error';
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
  errorType?: string;
  error?: string;
}

/**
 * Runs an instant PromQL (MetricsQL) query against VictoriaMetrics' `/api/v1/query` at `time` (now by default)
 * and returns the vector, one entry per series; a scalar result comes back as one entry with no labels. Asks
 * past the rollup cache (`nocache=1`), so a query repeated while samples arrive sees them. A refusal or an
 * unreadable answer is an error that names the query.
 *
 * Delta points (each sample one period's increment) are totalled with `sum_over_time`, e.g.
 * `sum(sum_over_time({__name__="faas.invocations","service.name"="orders-api"}[1h]))`; see
 * tools/stack/victoria-metrics.ts for how OTLP names become labels.
 *
 * @example
 * const [total] = await queryMetrics(url, 'sum(sum_over_time({__name__="faas.invocations"}[1h]))');
 */
export async function queryMetrics(url: string, promql: string, options: { time?: Date } = {}): Promise<MetricSample[]> {
  const params = new URLSearchParams({ query: promql, nocache: '1' });
  if (options.time) params.set('time', String(options.time.getTime() / 1000));
  let response: Response;
  try {
    response = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: params,
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new Error(`cannot reach VictoriaMetrics at ${url} for ${promql}: ${(error as Error).message}`, { cause: error });
  }
  const text = await response.text();
  let body: PromResponse;
  try {
    body = JSON.parse(text) as PromResponse;
  } catch {
    throw new Error(`VictoriaMetrics answered ${response.status} to ${promql}, not JSON: ${text.slice(0, 500)}`);
  }
  if (!response.ok || body.status !== 'success' || !body.data) {
    throw new Error(
      `VictoriaMetrics answered ${response.status} to ${promql}: ${body.errorType ?? ''} ${body.error ?? text.slice(0, 500)}`,
    );
  }
  return toSamples(body.data, promql);
}

function toSamples(data: NonNullable<PromResponse['data']>, promql: string): MetricSample[] {
  if (data.resultType === 'matrix') throw new Error(`${promql} is a range vector, not an instant one: wrap it (sum_over_time, …)`);
  if (data.resultType === 'scalar') {
    const [, value] = data.result as unknown as [number, string];
    return [{ metric: {}, value: Number(value) }];
  }
  return data.result.map((series) => ({ metric: series.metric, value: Number(series.value[1]) }));
}
