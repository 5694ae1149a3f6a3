import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBackend, waitReady, type BackendProcess } from './process.ts';

/** A VictoriaLogs or VictoriaMetrics process on a loopback port, with its data in a temporary directory. */
export interface RunningVictoriaBackend {
  readonly url: string;
  readonly dir: string;
  readonly process: BackendProcess;
  /** Makes everything ingested so far searchable at once (`/internal/force_flush`). */
  flush(): Promise<void>;
  /** Stops the process and removes its data. */
  stop(): Promise<void>;
}

/**
 * Starts one of the VictoriaMetrics family's single binaries (they share the flags and endpoints used here:
 * `-storageDataPath`, `-httpListenAddr`, `/health`, `/internal/force_flush`) on loopback only (their default is
 * every interface), with `args` of its own; resolves once `/health` answers 200.
 *
 * @example
 * const backend = await startVictoriaBackend('VictoriaMetrics', VICTORIA_METRICS_BINARY, 8428, ['-loggerLevel=WARN']);
 */
export async function startVictoriaBackend(
  name: string,
  binary: string,
  httpPort: number,
  args: readonly string[],
): Promise<RunningVictoriaBackend> {
  const dir = mkdtempSync(join(tmpdir(), `${name.toLowerCase()}-`));
  const backend = startBackend(name.toLowerCase(), binary, [
    `-storageDataPath=${join(dir, 'data')}`,
    `-httpListenAddr=127.0.0.1:${httpPort}`,
    ...args,
  ]);
  const url = `http://127.0.0.1:${httpPort}`;
  const stop = async () => {
    await backend.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(backend, `${url}/health`);
  } catch (error) {
    await stop();
    throw error;
  }
  const flush = async () => {
    const response = await fetch(`${url}/internal/force_flush`, { signal: AbortSignal.timeout(30_000) });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`${name} answered ${response.status} to /internal/force_flush`);
  };
  return { url, dir, process: backend, flush, stop };
}
