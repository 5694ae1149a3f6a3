import { join, resolve } from 'node:path';
import { freePort } from '../loopback.ts';
import { onFreshPortsWhenTaken, startBackend, waitReady, type BackendProcess } from './process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Built by `npm run jaeger:build` (tools/jaeger-build.sh). */
export const JAEGER_BINARY = join(ROOT, '.cache/jaeger/jaeger');
export const JAEGER_CONFIG = join(ROOT, 'local-stack/jaeger/config.yaml');

export interface JaegerPorts {
  readonly otlpHttp: number;
  readonly otlpGrpc: number;
  readonly queryHttp: number;
  readonly queryGrpc: number;
  readonly health: number;
}

export interface RunningJaeger {
  /** OTLP/HTTP base endpoint (`/v1/traces`). */
  readonly otlpEndpoint: string;
  /** The query API and UI (`/api/traces/<id>`, `/search`). */
  readonly url: string;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real Jaeger v2 with local-stack/jaeger/config.yaml (in-memory storage) on the given loopback
 * ports, or free ones; resolves once its health check and its query API answer.
 *
 * @example
 * const jaeger = await startJaeger();
 * await fetch(`${jaeger.url}/api/traces/${traceId}`);
 */
export async function startJaeger(ports: Partial<JaegerPorts> = {}): Promise<RunningJaeger> {
  // Keys present with undefined values (`npm run stack -- --free-ports`) are free ports, to be retried when taken.
  const portsGiven = (['otlpHttp', 'otlpGrpc', 'queryHttp', 'queryGrpc', 'health'] as const).every((key) => ports[key] !== undefined);
  return portsGiven ? startJaegerOnce(ports) : onFreshPortsWhenTaken(() => startJaegerOnce(ports));
}

async function startJaegerOnce(ports: Partial<JaegerPorts>): Promise<RunningJaeger> {
  const port = async (key: keyof JaegerPorts) => ports[key] ?? (await freePort());
  const chosen: JaegerPorts = {
    otlpHttp: await port('otlpHttp'),
    otlpGrpc: await port('otlpGrpc'),
    queryHttp: await port('queryHttp'),
    queryGrpc: await port('queryGrpc'),
    health: await port('health'),
  };
  const backend = startBackend('jaeger', JAEGER_BINARY, ['--config', JAEGER_CONFIG], {
    JAEGER_OTLP_HTTP_ENDPOINT: `127.0.0.1:${chosen.otlpHttp}`,
    JAEGER_OTLP_GRPC_ENDPOINT: `127.0.0.1:${chosen.otlpGrpc}`,
    JAEGER_QUERY_HTTP_ENDPOINT: `127.0.0.1:${chosen.queryHttp}`,
    JAEGER_QUERY_GRPC_ENDPOINT: `127.0.0.1:${chosen.queryGrpc}`,
    JAEGER_HEALTH_ENDPOINT: `127.0.0.1:${chosen.health}`,
  });
  const url = `http://127.0.0.1:${chosen.queryHttp}`;
  try {
    await waitReady(backend, `http://127.0.0.1:${chosen.health}/status`);
    await waitReady(backend, `${url}/api/services`);
  } catch (error) {
    await backend.stop();
    throw error;
  }
  return { otlpEndpoint: `http://127.0.0.1:${chosen.otlpHttp}`, url, process: backend, stop: () => backend.stop() };
}
