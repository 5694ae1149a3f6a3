import { join, resolve } from 'node:path';
import { freePort } from '../loopback.ts';
import { onFreshPortsWhenTaken, type BackendProcess } from './process.ts';
import { startVictoriaBackend } from './victoria-backend.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Built by `npm run victorialogs:build` (tools/victorialogs-build.sh). */
export const VICTORIA_LOGS_BINARY = join(ROOT, '.cache/victoria-logs/victoria-logs');

export interface VictoriaLogsStartOptions {
  /** A fixed HTTP port (the stack's default, 9428); a free loopback port when left out. */
  readonly httpPort?: number;
}

export interface RunningVictoriaLogs {
  /** The HTTP base URL: LogsQL at `/select/logsql/query`, the web UI at `/select/vmui/`. */
  readonly url: string;
  /** The base URL a Loki client is given (`LokiPushExporter`'s `url`): pushes go to `<base>/loki/api/v1/push`. */
  readonly lokiUrl: string;
  /** The OTLP/HTTP base endpoint for logs (an exporter appends `/v1/logs`). */
  readonly otlpEndpoint: string;
  readonly dir: string;
  readonly process: BackendProcess;
  /** Makes everything ingested so far searchable at once (`/internal/force_flush`), instead of within a second. */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts VictoriaLogs (Apache-2.0), the log store of the tests and `npm run stack`: it takes Loki's push API
 * (JSON, gzip JSON and snappy protobuf, stream labels as stream fields and structured metadata as fields) and
 * OTLP logs, and answers LogsQL. Listens on loopback only (its default is every interface), keeps its data in a
 * temporary directory removed on stop, and stores each Loki line as it came: without
 * `-loki.disableMessageParsing` a line holding a JSON object would become fields, which Loki never does.
 * Resolves once `/health` answers 200.
 *
 * @example
 * const logs = await startVictoriaLogs();
 * new LokiPushExporter({ url: logs.lokiUrl });
 */
export async function startVictoriaLogs(options: VictoriaLogsStartOptions = {}): Promise<RunningVictoriaLogs> {
  return options.httpPort !== undefined ? startOnce(options.httpPort) : onFreshPortsWhenTaken(async () => startOnce(await freePort()));
}

async function startOnce(httpPort: number): Promise<RunningVictoriaLogs> {
  const backend = await startVictoriaBackend('VictoriaLogs', VICTORIA_LOGS_BINARY, httpPort, [
    '-loki.disableMessageParsing',
    // Entries as old as the query window the tests use are kept (the default drops what is older than 2 days).
    '-retentionPeriod=7d',
    '-loggerLevel=WARN',
  ]);
  return { ...backend, lokiUrl: `${backend.url}/insert`, otlpEndpoint: `${backend.url}/insert/opentelemetry` };
}
