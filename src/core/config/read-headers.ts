import { headerProblem } from '../../exporters/transport/http-fields.ts';
import { readKeyValueList, type Env, type Warn } from './env-readers.ts';

/**
 * The headers HTTP allows of `headers`; each one it does not (a name that is not a token, a value with a
 * control character or a character past 0xFF, such as `caf%E2%82%AC` percent-decoded) is dropped with one
 * warning that names the header and where it came from, never its value. Dropped rather than sent: both
 * `http.request` and `fetch` refuse the whole request for one bad header, so keeping it would fail every
 * export; without it, a collector that does not need it takes the data, and one that does answers 401,
 * which the per-invocation line reports, while this warning has said why at setup.
 *
 * @example
 * validHeaders({ 'x-api-key': 'caf€' }, 'OTEL_EXPORTER_OTLP_HEADERS', warn); // {}, and one warning
 */
export function validHeaders(headers: Readonly<Record<string, unknown>>, source: string, warn: Warn): Record<string, string> {
  const valid: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const problem = headerProblem(name, value);
    if (problem === undefined) valid[name] = value as string;
    else warn(`${source}: ${problem}; dropping that header`);
  }
  return valid;
}

/** `OTEL_EXPORTER_OTLP_*HEADERS`, each header HTTP does not allow dropped with a warning. */
export function readHeaders(env: Env, key: string, warn: Warn): Record<string, string> {
  return validHeaders(readKeyValueList(env, key, warn), key, warn);
}
