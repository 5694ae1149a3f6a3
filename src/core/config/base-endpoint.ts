// A signal's path at the end of the base URL's path, with or without a trailing slash.
const SIGNAL_PATH = /\/v1\/(traces|logs|metrics)\/?$/;

/**
 * The base endpoint to append `/v1/<signal>` to, from the option `endpoint` (`fromOption`) or
 * `OTEL_EXPORTER_OTLP_ENDPOINT`. The OTLP exporter specification appends the signal's path to the base
 * endpoint and uses per-signal endpoints as given, so a signal URL given as the base
 * (`http://host:4318/v1/traces`) would send to `/v1/traces/v1/traces`, which a collector answers with 404:
 * that suffix is removed, and `warning` says so (reported when a signal uses the base).
 * https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp
 *
 * @example
 * baseEndpoint('http://host:4318/v1/traces', false).url; // 'http://host:4318/'
 */
export function baseEndpoint(value: string, fromOption: boolean): { url: string; warning?: string } {
  const url = new URL(value);
  const path = url.pathname;
  const match = SIGNAL_PATH.exec(path);
  if (!match) return { url: value };
  const signal = match[1]!;
  url.pathname = path.slice(0, match.index);
  // Origin and path only: the user info and the query can carry credentials.
  const base = url.origin + path.slice(0, match.index);
  const name = fromOption ? 'option endpoint' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  const signalKey = fromOption ? `option ${signal}Endpoint` : `OTEL_EXPORTER_OTLP_${signal.toUpperCase()}_ENDPOINT`;
  const warning =
    `${name} is the base URL: the library appends /v1/traces, /v1/logs and /v1/metrics; its path ${path} ends in ` +
    `/v1/${signal}, so the library removes that and sends to ${base}/v1/traces, /v1/logs and /v1/metrics. ` +
    `Remove ${match[0]} from ${name}, or give the ${signal} URL alone with ${signalKey}`;
  return { url: url.href, warning };
}
