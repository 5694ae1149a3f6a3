import type { ChildProcess } from 'node:child_process';
import { spawnFunction, terminate, type FunctionConfig } from './function-process.ts';
import { exitEnd, spawnEnd, type ProcessEnd } from './process-end.ts';

/** One chunk the function wrote, and which of its processes wrote it. */
export interface OutputChunk {
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
  readonly processNumber: number;
}

/**
 * The function's process across its lives, as the Runtime API emulator drives it: spawned when an event needs
 * one (each spawn numbered: a new process is a cold start), frozen with SIGSTOP and thawed with SIGCONT,
 * killed, its output kept in order. It decides nothing: runtime-api-server.ts says when.
 *
 * @example
 * const child = new FunctionChild(config, () => watch.changed());
 * child.spawn('127.0.0.1:9001', () => console.log('the process exited by itself'));
 * child.freeze();
 */
export class FunctionChild {
  readonly #config: FunctionConfig;
  readonly #changed: () => void;
  #child: ChildProcess | undefined;
  #frozen = false;
  /** How many processes were started: the number of the current (or last) one. */
  processNumber = 0;
  /** How many times a process was frozen. */
  freezes = 0;
  /** Every chunk of output, in order. */
  readonly output: OutputChunk[] = [];

  constructor(config: FunctionConfig, changed: () => void) {
    this.#config = config;
    this.#changed = changed;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  get frozen(): boolean {
    return this.#frozen;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /**
   * Starts a new process; `exited` runs when it ends by itself (a crash, an exit) or cannot start at all (a
   * missing or non-executable wrapper, a missing task root: spawn's 'error'), not after `kill()`.
   */
  spawn(address: string, exited: (end: ProcessEnd) => void): void {
    this.processNumber += 1;
    const number = this.processNumber;
    const child = spawnFunction(this.#config, address);
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.setEncoding('utf8').on('data', (text: string) => {
        this.output.push({ stream, text, processNumber: number });
        this.#config.onOutput?.(stream, text);
        this.#changed();
      });
    }
    const ended = (end: ProcessEnd) => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#frozen = false;
      exited(end);
    };
    child.on('exit', (code, signal) => ended(exitEnd(code, signal)));
    // Without a listener, a spawn that fails (ENOENT, EACCES) throws "Unhandled 'error' event" in the caller.
    child.on('error', (error) => ended(spawnEnd(error, child.spawnfile, this.#config.taskRoot)));
    this.#child = child;
  }

  freeze(): void {
    if (!this.#child || this.#frozen) return;
    this.#child.kill('SIGSTOP');
    this.#frozen = true;
    this.freezes += 1;
  }

  thaw(): void {
    if (!this.#frozen) return;
    this.#child?.kill('SIGCONT');
    this.#frozen = false;
  }

  /** SIGKILL, frozen or not; the process is forgotten at once (its exit reports nothing). */
  kill(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    this.#frozen = false;
    child.kill('SIGKILL');
  }

  /** Lambda's shutdown with an extension registered (see `terminate`); the caller kills what is left. */
  terminate(): Promise<'sigterm' | 'sigkill'> {
    return this.#child ? terminate(this.#child, this.#frozen) : Promise.resolve('sigkill');
  }
}
