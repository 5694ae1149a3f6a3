import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { freePort } from '../loopback.ts';
import { onFreshPortsWhenTaken, startBackend, waitReady, type BackendProcess } from './process.ts';

const ROOT = resolve(import.meta.dirname, '../..');
/** Built by `npm run loki:build` (tools/loki-build.sh). */
export const LOKI_BINARY = join(ROOT, '.cache/loki/loki');
export const LOKI_CONFIG = join(ROOT, 'local-stack/loki/config.yaml');

export interface LokiStartOptions {
  /** Fixed ports (the stack's defaults); free loopback ports when left out. */
  readonly httpPort?: number;
  readonly grpcPort?: number;
  /** Extra `limits_config` entries on top of local-stack/loki/config.yaml's. */
  readonly limits?: Record<string, unknown>;
  /** Per-tenant overrides: turns multi-tenancy on (`X-Scope-OrgID` required), as a hosted Loki has it. */
  readonly tenants?: Record<string, Record<string, unknown>>;
}

export interface RunningLoki {
  readonly url: string;
  readonly dir: string;
  readonly process: BackendProcess;
  stop(): Promise<void>;
}

/**
 * Starts the real Loki with local-stack/loki/config.yaml, changed only where a local process needs it:
 * loopback addresses and ports, a temporary data directory (removed on stop), and the given limits.
 * Resolves once `/ready` answers 200.
 *
 * @example
 * const loki = await startLoki({ tenants: { slow: { per_stream_rate_limit: '1KB' } } });
 */
export async function startLoki(options: LokiStartOptions = {}): Promise<RunningLoki> {
  const portsGiven = options.httpPort !== undefined && options.grpcPort !== undefined;
  return portsGiven ? startLokiOnce(options) : onFreshPortsWhenTaken(() => startLokiOnce(options));
}

async function startLokiOnce(options: LokiStartOptions): Promise<RunningLoki> {
  const dir = mkdtempSync(join(tmpdir(), 'loki-'));
  const httpPort = options.httpPort ?? (await freePort());
  const grpcPort = options.grpcPort ?? (await freePort());
  const config = lokiConfig(dir, httpPort, grpcPort, options);
  writeFileSync(join(dir, 'config.yaml'), stringify(config));
  const backend = startBackend('loki', LOKI_BINARY, [`-config.file=${join(dir, 'config.yaml')}`]);
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(backend, `${url}/ready`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dir, process: backend, stop };
}

function lokiConfig(dir: string, httpPort: number, grpcPort: number, options: LokiStartOptions): Record<string, unknown> {
  const config = parse(readFileSync(LOKI_CONFIG, 'utf8'));
  const data = join(dir, 'data');
  mkdirSync(data);
  config.server = {
    ...config.server,
    http_listen_address: '127.0.0.1',
    http_listen_port: httpPort,
    grpc_listen_address: '127.0.0.1',
    grpc_listen_port: grpcPort,
    log_level: 'warn',
  };
  config.common.path_prefix = data;
  config.common.storage.filesystem = { chunks_directory: join(data, 'chunks'), rules_directory: join(data, 'rules') };
  // Ready as soon as the ring is, and a quick stop: a local process has no peers to hand over to.
  config.ingester = { ...config.ingester, lifecycler: { ...config.ingester?.lifecycler, min_ready_duration: '0s', final_sleep: '0s' } };
  config.limits_config = { ...config.limits_config, ...options.limits };
  if (options.tenants) {
    config.auth_enabled = true;
    writeFileSync(join(dir, 'overrides.yaml'), stringify({ overrides: options.tenants }));
    config.runtime_config = { file: join(dir, 'overrides.yaml') };
  }
  return config;
}
