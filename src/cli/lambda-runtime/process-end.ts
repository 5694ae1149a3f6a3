import { existsSync } from 'node:fs';

// How the emulator words a function process that ended without a response, as Lambda's own error payloads
// do: `Runtime.ExitError` for a process that exited ("Runtime exited with error: exit status 1"),
// `Runtime.InvalidEntrypoint` for one that could not start (a missing or non-executable bootstrap or wrapper),
// `Sandbox.Timedout` for a deadline. https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-invocation.html

/** Why a function process ended by itself: Lambda's error type and message. */
export interface ProcessEnd {
  readonly errorType: 'Runtime.ExitError' | 'Runtime.InvalidEntrypoint';
  readonly errorMessage: string;
}

/** Lambda's cap on an on-demand function's init phase; past it, the init is retried within the invocation's timeout. */
export const INIT_CAP_MS = 10_000;

/** A process that exited: its status or signal, worded as Lambda (Go's ProcessState) words them. */
export function exitEnd(code: number | null, signal: NodeJS.Signals | null): ProcessEnd {
  if (code === 0) return { errorType: 'Runtime.ExitError', errorMessage: 'Runtime exited without providing a reason' };
  return {
    errorType: 'Runtime.ExitError',
    errorMessage: `Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
  };
}

/** A process that could not start (spawn's 'error'): which file, and what is wrong with it. */
export function spawnEnd(error: NodeJS.ErrnoException, command: string, cwd: string): ProcessEnd {
  const why = !existsSync(cwd)
    ? `the task root ${cwd} does not exist`
    : error.code === 'ENOENT'
      ? `${command} does not exist (or its #! interpreter does not)`
      : error.code === 'EACCES'
        ? `${command} is not an executable file`
        : error.message;
  return { errorType: 'Runtime.InvalidEntrypoint', errorMessage: `cannot start the function: ${why}` };
}

/** The payload the caller gets for `end`, as the runtime's /error body would carry it. */
export function endPayload(end: ProcessEnd): string {
  return JSON.stringify({ errorType: end.errorType, errorMessage: end.errorMessage });
}

/**
 * The init phase's deadline, armed at spawn and ended by the first event: Lambda's init cap, then the
 * function's timeout (an on-demand init that overruns the cap is retried within the invocation).
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html#runtimes-lifecycle-ib
 */
export class InitDeadline {
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** The process is in its init phase: spawned, and no event delivered yet. */
  get open(): boolean {
    return this.#timer !== undefined;
  }

  arm(timeoutMs: number, expired: (payload: string) => void): void {
    const deadlineMs = INIT_CAP_MS + timeoutMs;
    this.#timer = setTimeout(() => expired(initTimeoutPayload(deadlineMs, timeoutMs)), deadlineMs);
  }

  end(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

function initTimeoutPayload(deadlineMs: number, timeoutMs: number): string {
  return JSON.stringify({
    errorType: 'Sandbox.Timedout',
    errorMessage:
      `Task timed out after ${(deadlineMs / 1000).toFixed(2)} seconds: the init did not finish ` +
      `(Lambda's ${INIT_CAP_MS / 1000} s init phase, then the ${(timeoutMs / 1000).toFixed(2)} s timeout)`,
  });
}
