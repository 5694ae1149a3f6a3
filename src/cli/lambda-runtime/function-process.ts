import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { ExtensionsApi, type InvokeEvent } from './extensions-api.ts';

// The function side of the Runtime API emulator: its configuration, results, and the child process it runs in.

/** How a function runs under the emulator: its code, its environment, and Lambda's limits. */
export interface FunctionConfig {
  /** Folder with the handler module (LAMBDA_TASK_ROOT). */
  readonly taskRoot: string;
  /** `file.export`, as in Lambda's handler setting. */
  readonly handler: string;
  readonly functionName?: string;
  readonly timeoutMs?: number;
  readonly memoryMb?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** The runtime client run in the child: our bootstrap by default, or a command of your own. */
  readonly runtime?: readonly string[];
  /** The Node binary for the child. */
  readonly nodePath?: string;
  /** Where the function's stdout/stderr go (Lambda's log capture); lines are kept either way. */
  readonly onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
  /** The Extensions API (default on); off, its routes answer 404 as when Lambda disables extensions. */
  readonly extensions?: boolean;
  /** Hold each extension registration this long before answering it: the race with the runtime's first /next. */
  readonly holdRegistrationMs?: number;
  /**
   * Hold each extension registration until the runtime has asked for its first event (which closes
   * registration): the registration race lost for certain, whatever the machine's load.
   */
  readonly holdRegistrationUntilRuntimeAsks?: boolean;
}

/** One invoke phase: from the event to the runtime's response and every extension's next /event/next. */
export interface InvokePhase {
  readonly requestId: string;
  /** `performance.now()` when the runtime posted the response (the caller got it then). */
  readonly respondedAt: number;
  /** From the event to the response, in ms. */
  readonly responseMs: number;
  /** From the event to the end of the phase (what Lambda bills: response + post-runtime extension time), in ms. */
  readonly billedMs: number;
}

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'init-error' | 'crash';

export interface InvocationResult {
  readonly requestId: string;
  readonly status: InvocationStatus;
  /** The response body (or error payload), as the function posted it. */
  readonly payload: string;
  readonly durationMs: number;
  /** `performance.now()` when the function posted its response or error. */
  readonly respondedAt: number;
  /** Which process served it (a new one after every timeout or crash: a cold start). */
  readonly processNumber: number;
}

export interface Pending {
  readonly requestId: string;
  readonly event: unknown;
  readonly traceId?: string;
  readonly resolve: (result: InvocationResult) => void;
  started?: number;
  respondedAt?: number;
  deadlineTimer?: ReturnType<typeof setTimeout>;
}

const BOOTSTRAP = join(import.meta.dirname, 'bootstrap.mjs');

/** Starts the function's process with the environment Lambda gives a runtime. */
export function spawnFunction(config: FunctionConfig, address: string): ChildProcess {
  const name = config.functionName ?? 'local-function';
  const node = config.nodePath ?? process.execPath;
  const args = config.runtime ? [...config.runtime] : [BOOTSTRAP];
  // As the managed runtime's bootstrap: `exec "$AWS_LAMBDA_EXEC_WRAPPER" node <runtime args>` when it is set.
  // https://docs.aws.amazon.com/lambda/latest/dg/runtimes-modify.html#runtime-wrapper
  const wrapper = config.env?.AWS_LAMBDA_EXEC_WRAPPER;
  return spawn(wrapper ?? node, wrapper ? [node, ...args] : args, {
    cwd: config.taskRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      AWS_LAMBDA_RUNTIME_API: address,
      _HANDLER: config.handler,
      LAMBDA_TASK_ROOT: config.taskRoot,
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memoryMb ?? 128),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `2026/11/24/[$LATEST]${randomUUID().replaceAll('-', '')}`,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      TZ: ':UTC',
      ...config.env,
    },
  });
}

/**
 * Lambda's shutdown with an extension registered: SIGTERM (the frozen process thawed), and SIGKILL if it
 * has not exited 500 ms later (the caller kills). Tells which of the two ended it.
 */
export async function terminate(child: ChildProcess, frozen: boolean): Promise<'sigterm' | 'sigkill'> {
  const exited = new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 500);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  child.kill('SIGTERM');
  if (frozen) child.kill('SIGCONT');
  return (await exited) ? 'sigterm' : 'sigkill';
}

/** The INVOKE event the extensions get for `pending`. */
function invokeEvent(pending: Pending, deadline: number, arn: string): InvokeEvent {
  return {
    eventType: 'INVOKE',
    deadlineMs: deadline,
    requestId: pending.requestId,
    invokedFunctionArn: arn,
    ...(pending.traceId ? { tracing: { type: 'X-Amzn-Trace-Id' as const, value: pending.traceId } } : {}),
  };
}

/** Answers the runtime's /next with `pending`'s event and headers. */
function writeInvocation(waiting: ServerResponse, pending: Pending, deadline: number, arn: string): void {
  waiting.writeHead(200, {
    'content-type': 'application/json',
    'lambda-runtime-aws-request-id': pending.requestId,
    'lambda-runtime-deadline-ms': String(deadline),
    'lambda-runtime-invoked-function-arn': arn,
    ...(pending.traceId ? { 'lambda-runtime-trace-id': pending.traceId } : {}),
  });
  waiting.end(JSON.stringify(pending.event));
}

/** The Extensions API of a function: its register answer, Managed Instances as the environment says. */
export function extensionsApiFor(config: FunctionConfig, onReady: () => void): ExtensionsApi {
  return new ExtensionsApi({
    enabled: config.extensions ?? true,
    managedInstances: config.env?.AWS_LAMBDA_MAX_CONCURRENCY !== undefined,
    registerResponse: () => ({
      functionName: config.functionName ?? 'local-function',
      functionVersion: '$LATEST',
      handler: config.handler,
    }),
    onReady,
  });
}

/**
 * Hands `pending` out with its deadline (the function's timeout from now, `timedOut` runs then): rapid
 * releases the extensions first, then the runtime.
 */
export function dispatchInvocation(
  to: { readonly waiting: ServerResponse; readonly extensions: ExtensionsApi },
  pending: Pending,
  config: FunctionConfig,
  timedOut: () => void,
): void {
  const timeoutMs = config.timeoutMs ?? 3000;
  const deadline = Date.now() + timeoutMs;
  pending.started = performance.now();
  pending.deadlineTimer = setTimeout(timedOut, timeoutMs);
  const arn = `arn:aws:lambda:eu-west-1:123456789012:function:${config.functionName ?? 'local-function'}`;
  to.extensions.dispatch(invokeEvent(pending, deadline, arn));
  writeInvocation(to.waiting, pending, deadline, arn);
}

/** Holds an extension's registration as the config asks (a while, then until the runtime asked): the race, staged. */
export async function holdRegistration(config: FunctionConfig, untilRuntimeAsked: () => Promise<void>): Promise<void> {
  if (config.holdRegistrationMs) await new Promise((resolve) => setTimeout(resolve, config.holdRegistrationMs));
  if (config.holdRegistrationUntilRuntimeAsks) await untilRuntimeAsked();
}
