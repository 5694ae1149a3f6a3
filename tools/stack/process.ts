import { spawn } from 'node:child_process';

/** A backend binary started by the stack: its output kept for error messages, stopped with SIGTERM. */
export interface BackendProcess {
  readonly name: string;
  readonly output: string[];
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

/**
 * Spawns `binary` with `args` (and only `env` plus PATH and HOME in its environment), keeping its output.
 *
 * @example
 * const jaeger = startBackend('jaeger', '.cache/jaeger/jaeger', ['--config', 'config.yaml']);
 */
export function startBackend(name: string, binary: string, args: readonly string[], env: Record<string, string> = {}): BackendProcess {
  const output: string[] = [];
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
  });
  const keep = (chunk: Buffer) => {
    output.push(String(chunk));
    // Bounded: a long-running stack must not grow without end.
    if (output.length > 500) output.splice(0, output.length - 500);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | string>((done) => {
    child.on('exit', (code, signal) => done(code ?? signal ?? 'unknown'));
    child.on('error', (error) => {
      output.push(String(error));
      done('spawn error');
    });
  });
  let ended = false;
  void exited.then(() => (ended = true));
  return {
    name,
    output,
    exited,
    async stop() {
      if (ended) return;
      child.kill('SIGTERM');
      // A backend that ignores SIGTERM for 15 s is killed.
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `url` until it answers 2xx. Rejects with the backend's output when it exits first or when `timeoutMs`
 * passes (generous by default: a loaded 2-core machine starts a backend slowly).
 *
 * @example
 * await waitReady(logs, 'http://127.0.0.1:9428/health');
 */
export async function waitReady(backend: BackendProcess, url: string, timeoutMs = 120_000): Promise<void> {
  let exit: number | string | undefined;
  void backend.exited.then((code) => (exit = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${backend.name} exited (${exit}) at start:\n${backend.output.join('').slice(-4000)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${backend.name} was not ready at ${url} within ${timeoutMs / 1000} s:\n${backend.output.join('').slice(-4000)}`);
}

/**
 * Starts a backend again, on fresh ports, when one of the free ports it was given was taken before it bound
 * it (another suite running beside this one): a free port is free when asked, not when the backend binds.
 * `start` picks its ports anew on each call.
 *
 * @example
 * const jaeger = await onFreshPortsWhenTaken(() => startJaegerOnce(options));
 */
export async function onFreshPortsWhenTaken<T>(start: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts || !/address already in use/.test(String((error as Error)?.message))) throw error;
    }
  }
}
