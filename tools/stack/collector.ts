import { join, resolve } from 'node:path';
import { freePort } from '../loopback.ts';
import { onFreshPortsWhenTaken, startBackend, waitReady, type BackendProcess } from './process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Built by `npm run collector:build` (tools/collector-build.sh). */
export const COLLECTOR_BINARY = join(ROOT, '.cache/otelcol/otelcol-faas');
export const COLLECTOR_CONFIG = join(ROOT, 'local-stack/collector/config.yaml');

export interface StackCollectorOptions {
  /** The log store's OTLP/HTTP base endpoint (VictoriaLogs' `…/insert/opentelemetry`, a Loki's `…/otlp`). */
  readonly logsOtlpEndpoint: string;
  /** The trace store's OTLP/HTTP base endpoint. */
  readonly tracesOtlpEndpoint: string;
  /** The metrics store's OTLP/HTTP base endpoint (VictoriaMetrics' `…/opentelemetry`). */
  readonly metricsOtlpEndpoint: string;
  readonly httpPort?: number;
  readonly grpcPort?: number;
  readonly healthPort?: number;
}

export interface RunningStackCollector {
  /** OTLP/HTTP base endpoint for functions (`OTEL_EXPORTER_OTLP_ENDPOINT`). */
  readonly endpoint: string;
  readonly grpcEndpoint: string;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/**
 * Runs the real collector with the local stack's own pipeline (local-stack/collector/config.yaml), its
 * addresses given by environment: OTLP in on loopback, logs to the log store's OTLP endpoint, traces to the
 * trace store, metrics to the metrics store.
 *
 * @example
 * const collector = await startStackCollector({
 *   logsOtlpEndpoint: logs.otlpEndpoint,
 *   tracesOtlpEndpoint: jaeger.otlpEndpoint,
 *   metricsOtlpEndpoint: metrics.otlpEndpoint,
 * });
 */
export async function startStackCollector(options: StackCollectorOptions): Promise<RunningStackCollector> {
  const portsGiven = options.httpPort !== undefined && options.grpcPort !== undefined && options.healthPort !== undefined;
  return portsGiven ? startStackCollectorOnce(options) : onFreshPortsWhenTaken(() => startStackCollectorOnce(options));
}

async function startStackCollectorOnce(options: StackCollectorOptions): Promise<RunningStackCollector> {
  const http = options.httpPort ?? (await freePort());
  const grpc = options.grpcPort ?? (await freePort());
  const health = options.healthPort ?? (await freePort());
  const backend = startBackend('otel-collector', COLLECTOR_BINARY, ['--config', COLLECTOR_CONFIG], {
    OTLP_HTTP_ENDPOINT: `127.0.0.1:${http}`,
    OTLP_GRPC_ENDPOINT: `127.0.0.1:${grpc}`,
    HEALTH_ENDPOINT: `127.0.0.1:${health}`,
    LOGS_OTLP_ENDPOINT: options.logsOtlpEndpoint,
    TRACES_OTLP_ENDPOINT: options.tracesOtlpEndpoint,
    METRICS_OTLP_ENDPOINT: options.metricsOtlpEndpoint,
  });
  try {
    await waitReady(backend, `http://127.0.0.1:${health}/`);
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return { endpoint: `http://127.0.0.1:${http}`, grpcEndpoint: `http://127.0.0.1:${grpc}`, process: backend, stop: () => backend.stop() };
}
