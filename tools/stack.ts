/**
 * npm run stack [-- --free-ports]
 *
 * The local stack without docker: the same OpenTelemetry Collector (local-stack/collector/config.yaml),
 * VictoriaLogs, VictoriaMetrics and Jaeger v2 (local-stack/jaeger/config.yaml) binaries the end-to-end tests use,
 * built once into .cache/ (`npm run collector:build`, `victorialogs:build`, `victoriametrics:build`,
 * `jaeger:build`), on loopback. All four are Apache-2.0. Prints the URLs, the stores' web UIs with ready
 * queries, and the line to export; Ctrl-C stops everything and removes the stored logs and metrics.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { COLLECTOR_BINARY, startStackCollector, type RunningStackCollector } from './stack/collector.ts';
import { JAEGER_BINARY, startJaeger, type RunningJaeger } from './stack/jaeger.ts';
import { startVictoriaLogs, VICTORIA_LOGS_BINARY, type RunningVictoriaLogs } from './stack/victoria-logs.ts';
import { startVictoriaMetrics, VICTORIA_METRICS_BINARY, type RunningVictoriaMetrics } from './stack/victoria-metrics.ts';
import type { BackendProcess } from './stack/process.ts';

/** The stack's fixed ports: the collector where functions expect it, the stores at their defaults. */
const STACK_PORTS = {
  otlpHttp: 4318,
  otlpGrpc: 4317,
  collectorHealth: 13133,
  victoriaLogs: 9428,
  victoriaMetrics: 8428,
  jaegerUi: 16686,
  jaegerGrpc: 16685,
  jaegerOtlpHttp: 14318,
  jaegerOtlpGrpc: 14317,
  jaegerHealth: 13134,
};

const { values } = parseArgs({ options: { 'free-ports': { type: 'boolean', default: false } } });
const free = values['free-ports'];
const fixed = (port: number) => (free ? undefined : port);

const missing = [
  [COLLECTOR_BINARY, 'npm run collector:build'],
  [VICTORIA_LOGS_BINARY, 'npm run victorialogs:build'],
  [VICTORIA_METRICS_BINARY, 'npm run victoriametrics:build'],
  [JAEGER_BINARY, 'npm run jaeger:build'],
].filter(([binary]) => !existsSync(binary!));
if (missing.length > 0) {
  for (const [binary, command] of missing) console.error(`stack: no ${binary}: run \`${command}\` first (needs Go, once)`);
  process.exit(2);
}

console.log('stack: starting VictoriaLogs, VictoriaMetrics, Jaeger and the collector on 127.0.0.1 (no docker)…');
let logs: RunningVictoriaLogs | undefined;
let metrics: RunningVictoriaMetrics | undefined;
let jaeger: RunningJaeger | undefined;
let collector: RunningStackCollector | undefined;
let stopping = false;

async function stopAll(code: number): Promise<never> {
  stopping = true;
  await collector?.stop();
  await Promise.all([logs?.stop(), metrics?.stop(), jaeger?.stop()]);
  console.log('stack: stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

try {
  [logs, metrics, jaeger] = await Promise.all([
    startVictoriaLogs({ httpPort: fixed(STACK_PORTS.victoriaLogs) }),
    startVictoriaMetrics({ httpPort: fixed(STACK_PORTS.victoriaMetrics) }),
    startJaeger({
      queryHttp: fixed(STACK_PORTS.jaegerUi),
      queryGrpc: fixed(STACK_PORTS.jaegerGrpc),
      otlpHttp: fixed(STACK_PORTS.jaegerOtlpHttp),
      otlpGrpc: fixed(STACK_PORTS.jaegerOtlpGrpc),
      health: fixed(STACK_PORTS.jaegerHealth),
    }),
  ]);
  collector = await startStackCollector({
    logsOtlpEndpoint: logs.otlpEndpoint,
    tracesOtlpEndpoint: jaeger.otlpEndpoint,
    metricsOtlpEndpoint: metrics.otlpEndpoint,
    httpPort: fixed(STACK_PORTS.otlpHttp),
    grpcPort: fixed(STACK_PORTS.otlpGrpc),
    healthPort: fixed(STACK_PORTS.collectorHealth),
  });
} catch (error) {
  console.error(`stack: could not start: ${(error as Error).message}`);
  if (!free) console.error('stack: a port may be taken (another stack, or docker compose): try `npm run stack -- --free-ports`');
  await stopAll(1);
}

const queryFlags =
  logs!.url === `http://127.0.0.1:${STACK_PORTS.victoriaLogs}` && jaeger!.url === `http://127.0.0.1:${STACK_PORTS.jaegerUi}`
    ? ''
    : ` --logs ${logs!.url} --jaeger ${jaeger!.url}`;
const serviceQuery = '{service.name="orders-api"}';
// Delta points (one per series per invocation) add up with sum_over_time; names and labels are OTLP's own.
const metricsQuery = 'sum(sum_over_time({__name__="faas.invocations","service.name"="orders-api"}[1h]))';
console.log(`stack: ready
  OTLP/HTTP for functions  ${collector!.endpoint}
  OTLP/gRPC                ${collector!.grpcEndpoint}
  VictoriaLogs (LogsQL)    ${logs!.url}/select/logsql/query      e.g. ${serviceQuery} trace_id:="<trace-id>"
  VictoriaLogs web UI      ${vmuiLink(logs!.url, serviceQuery)}
  Loki push (fallback)     ${logs!.lokiUrl}      FAAS_OBSERVABILITY_LOKI_URL for the Loki fallback
  VictoriaMetrics (PromQL) ${metrics!.url}/api/v1/query      e.g. ${metricsQuery}
  VictoriaMetrics web UI   ${metrics!.url}/vmui/#/?${new URLSearchParams({ 'g0.expr': metricsQuery, 'g0.tab': '1' })}
  Jaeger (query API)       ${jaeger!.url}      e.g. /api/traces/<trace-id> (a Go-module build has no UI assets)
point a function at it:
  export OTEL_EXPORTER_OTLP_ENDPOINT=${collector!.endpoint}
  npm run invoke -- orders-api --endpoint ${collector!.endpoint}
  npm run query -- <trace-id>${queryFlags}          # one trace's spans with its log lines
  npm run query -- --service orders-api${queryFlags}   # recent traces and log lines of a service
Ctrl-C stops the stack.`);

/** VictoriaLogs' web UI with `query` filled in (its router reads the hash's query string; the time range is the UI's). */
function vmuiLink(url: string, query: string): string {
  return `${url}/select/vmui/#/?${new URLSearchParams({ query })}`;
}

// A backend that dies takes the stack down, with its last output.
for (const backend of [logs!.process, metrics!.process, jaeger!.process, collector!.process] as BackendProcess[]) {
  void backend.exited.then(async (code) => {
    if (stopping) return;
    console.error(`stack: ${backend.name} exited (${code}):\n${backend.output.join('').slice(-2000)}`);
    await stopAll(1);
  });
}
