import { DiagLogLevel } from '@opentelemetry/api';
import type { Env } from '../core/config/env-readers.ts';
import { configFromEnvironment } from '../core/config/environment-config.ts';
import { createDiagnostics } from '../core/diagnostics.ts';
import { nextEvent, nextEventRetrying, register, reportExitError, type InvokeEvent } from './extension-client.ts';

// The post-response flush: an internal Lambda extension, registered during init, lets the export run after
// the runtime has posted the response and before the freeze, because Lambda freezes only when the runtime
// AND every extension ask for their next event. Per INVOKE event the extension waits for that request's
// wrapped handler to settle and its flush to end (or for the event's deadlineMs), then asks again.
// The Extensions API and the lifecycle it describes: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html

/** What a telemetry setup gives the extension: its flush, for SIGTERM. */
export interface ShutdownFlush {
  (boundMs: number): Promise<unknown>;
  /** Writes what the setup still holds to stdout at once: the process exits without a SIGTERM (a crash). */
  spill?(): void;
}

/** The process's internal extension, shared by every setup (and by a preloaded copy of the library). */
export interface PostResponseFlush {
  /** `active`: registered and polling (the flush may follow the response); otherwise the flush stays in the handler. */
  readonly state: () => 'registering' | 'active' | 'failed';
  /** Why it is not active, once known. */
  readonly failure: () => string | undefined;
  /** A setup uses the extension: INVOKE events now wait for the wrapped handler of their request. */
  attach(flush: ShutdownFlush): void;
  /** A setup that shut down leaves the flush list: SIGTERM no longer flushes it. */
  detach(flush: ShutdownFlush): void;
  /** The request's work (handler, then flush) is over when `done` settles. */
  track(requestId: string, done: Promise<void>): void;
}

/** Time kept before the INVOKE event's deadline: the extension asks for the next event by then whatever happens. */
const DEADLINE_MARGIN_MS = 10;
/** Lambda sends SIGKILL 500 ms after SIGTERM when an internal extension is registered. */
const SIGTERM_FLUSH_MS = 400;
/** Requests tracked but never announced by an INVOKE event (none expected) are forgotten past this many. */
const MAX_TRACKED = 64;
/** The error type the extension reports with /exit/error when it can no longer ask for events. */
const EXIT_ERROR_TYPE = 'Extension.PollFailed';
const GLOBAL = Symbol.for('faas-observability.lambda.post-response-flush');

/**
 * Why the post-response flush cannot work in this process, or undefined when it can: no Runtime API,
 * Lambda Managed Instances (no INVOKE events, no freeze), SnapStart (untested), or not the main thread.
 * (The switch, `postResponseFlush` / `FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH`, is read by the config.)
 *
 * @example
 * const reason = postResponseFlushUnavailable(process.env); // 'not on Lambda (no AWS_LAMBDA_RUNTIME_API)'
 */
export function postResponseFlushUnavailable(env: Env): string | undefined {
  if (!env.AWS_LAMBDA_RUNTIME_API) return 'not on Lambda (no AWS_LAMBDA_RUNTIME_API)';
  if (env.AWS_LAMBDA_MAX_CONCURRENCY !== undefined || env.AWS_LAMBDA_INITIALIZATION_TYPE === 'lambda-managed-instances')
    return 'Lambda Managed Instances have no INVOKE events and no freeze';
  if (env.AWS_LAMBDA_INITIALIZATION_TYPE === 'snap-start') return 'SnapStart is not supported yet';
  // Loaded here, not at import: only a process on Lambda gets this far.
  if (!process.getBuiltinModule('node:worker_threads').isMainThread) return 'not on the main thread';
  return undefined;
}

/**
 * Registers the process's internal extension once (later calls share it) and resolves once Lambda has
 * answered: true when the flush after the response is on. Await it at the top level of an ESM handler
 * module, or load `faas-observability/lambda/preload`, so it happens before the runtime's first request.
 *
 * @example
 * await startPostResponseFlush(process.env);
 */
export async function startPostResponseFlush(env: Env = process.env): Promise<boolean> {
  // Before any setup, so from the environment alone, through the resolver (shared with the init capture).
  const config = configFromEnvironment(env);
  if (config.disabled || !config.postResponseFlush) return false;
  const started = startedExtension(env);
  if (!started) return false;
  await started.registered;
  return started.extension.state() === 'active';
}

/** The process's extension, started by this call if need be; undefined where it cannot work. */
export function processPostResponseFlush(env: Env): PostResponseFlush | undefined {
  return startedExtension(env)?.extension;
}

interface Started {
  readonly extension: PostResponseFlush;
  readonly registered: Promise<void>;
}

function startedExtension(env: Env): Started | undefined {
  const holder = globalThis as { [GLOBAL]?: Started };
  if (holder[GLOBAL]) return holder[GLOBAL];
  if (postResponseFlushUnavailable(env) !== undefined) return undefined;
  holder[GLOBAL] = createExtension(env.AWS_LAMBDA_RUNTIME_API!);
  return holder[GLOBAL];
}

interface Claim {
  readonly done: Promise<void>;
  readonly resolve: () => void;
}

function createExtension(api: string): Started {
  const diagnostics = createDiagnostics(DiagLogLevel.WARN);
  let state: 'registering' | 'active' | 'failed' = 'registering';
  let failure: string | undefined;
  const flushes: ShutdownFlush[] = [];
  const claims = new Map<string, Claim>();
  const fail = (reason: string) => {
    state = 'failed';
    failure = reason;
  };

  const poll = async (id: string): Promise<void> => {
    for (;;) {
      let event: InvokeEvent;
      try {
        event = await nextEventRetrying(() => nextEvent(api, id));
      } catch (error) {
        // Tried again and still failing, or a refusal (4xx) no retry changes: flushes go back in the handler
        // and Lambda is told the extension is gone (POST /exit/error, a fatal Extension.ExitError). The invoke
        // phase does not end on that report: it ends at its deadline, where Lambda resets the environment (a
        // new process registers again). As the Runtime Interface Emulator's rapid code, which Lambda's
        // environment runs too, handles it: https://github.com/aws/aws-lambda-runtime-interface-emulator
        fail(`the extension's /event/next failed (${error instanceof Error ? error.message : String(error)})`);
        // What batched delivery holds would wait for an invocation that may never come (the environment is
        // reset at this one's deadline): it leaves now, as at SIGTERM.
        void Promise.allSettled(flushes.map((flush) => flush(SIGTERM_FLUSH_MS)));
        const reported = await reportExitError(api, id, EXIT_ERROR_TYPE, failure!);
        diagnostics.error(
          `post-response flush stopped: ${failure}; exit/error reported (${reported}); flushing before each response from now on`,
        );
        return;
      }
      // Without a setup no wrapped handler reports: answer at once rather than hold every invocation.
      if (flushes.length > 0) await settle(claims, event);
    }
  };

  const registered = register(api).then(
    (answer) => {
      if ('refused' in answer) return fail(`the Extensions API refused the registration (${answer.refused})`);
      state = 'active';
      // At once: init does not end until every registered extension asks for its first event.
      void poll(answer.id);
      process.on('SIGTERM', function listener() {
        void onSigterm(flushes, listener);
      });
      // An exit without SIGTERM (an uncaught exception, process.exit) leaves no time for a request: what batched
      // delivery still holds is written to stdout, synchronously, where Lambda's log capture keeps it.
      process.on('exit', () => {
        for (const flush of flushes) flush.spill?.();
      });
    },
    (error: unknown) => fail(`the registration failed (${String(error)})`),
  );

  const extension: PostResponseFlush = {
    state: () => state,
    failure: () => failure,
    attach: (flush) => void flushes.push(flush),
    detach: (flush) => {
      const at = flushes.indexOf(flush);
      if (at >= 0) flushes.splice(at, 1);
    },
    track: (requestId, done) => {
      const { resolve } = claim(claims, requestId);
      void done.then(resolve, resolve);
    },
  };
  return { extension, registered };
}

/** The claim on a request: made by its INVOKE event or by its wrapped handler, whichever comes first. */
function claim(claims: Map<string, Claim>, requestId: string): Claim {
  let found = claims.get(requestId);
  if (!found) {
    let resolve!: () => void;
    const done = new Promise<void>((r) => (resolve = r));
    found = { done, resolve };
    claims.set(requestId, found);
    if (claims.size > MAX_TRACKED) claims.delete(claims.keys().next().value!);
  }
  return found;
}

/** Waits until the event's request is over (handler, then flush), at most until shortly before its deadline. */
async function settle(claims: Map<string, Claim>, event: InvokeEvent): Promise<void> {
  if (event.eventType !== 'INVOKE' || event.requestId === undefined) return;
  const { done } = claim(claims, event.requestId);
  const waitMs = (event.deadlineMs ?? Date.now()) - DEADLINE_MARGIN_MS - Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, waitMs));
    timer.unref();
  });
  try {
    await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
    claims.delete(event.requestId);
  }
}

/** With the extension registered Lambda sends SIGTERM and SIGKILL 500 ms later: flush what is left, then exit. */
async function onSigterm(flushes: readonly ShutdownFlush[], listener: () => void): Promise<void> {
  // A thawed process: let the timers that fell due while it was frozen run (and log) first.
  await new Promise((resolve) => setTimeout(resolve, 0));
  await Promise.allSettled(flushes.map((flush) => flush(SIGTERM_FLUSH_MS)));
  // Then end as SIGTERM would have without us: with no listener left, the re-raised signal's default action
  // ends the process (process.exit could wait on a thread blocked in the runtime client's long poll). A
  // user's own listener keeps the decision.
  process.removeListener('SIGTERM', listener);
  if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
}
