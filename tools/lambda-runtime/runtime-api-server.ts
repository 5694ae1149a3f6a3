import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join } from 'node:path';

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
}

export type InvocationStatus = 'success' | 'error' | 'timeout' | 'init-error' | 'crash';

export interface InvocationResult {
  readonly requestId: string;
  readonly status: InvocationStatus;
  /** The response body (or error payload), as the function posted it. */
  readonly payload: string;
  readonly durationMs: number;
  /** Which process served it (a new one after every timeout or crash: a cold start). */
  readonly processNumber: number;
}

interface Pending {
  readonly requestId: string;
  readonly event: unknown;
  readonly traceId?: string;
  readonly resolve: (result: InvocationResult) => void;
  started?: number;
  deadlineTimer?: ReturnType<typeof setTimeout>;
}

const BOOTSTRAP = join(import.meta.dirname, 'bootstrap.mjs');
const PREFIX = '/2018-06-01/runtime';

/**
 * A local Lambda Runtime API that runs one function in a child process the way Lambda does, freeze
 * included: when the runtime asks for the next event the process gets SIGSTOP, and SIGCONT only when an
 * event is there to deliver. Whatever the function did not export before that `/next` stays frozen, and is
 * lost at `stop()` (SIGKILL), exactly as in production. A timeout kills the process; the next invocation
 * starts a new one (a cold start).
 *
 * @example
 * const lambda = await RuntimeApiServer.start({ taskRoot: 'dist/hello', handler: 'index.handler' });
 * const result = await lambda.invoke({ rawPath: '/' });
 * await lambda.stop();
 */
export class RuntimeApiServer {
  readonly #config: FunctionConfig;
  readonly #server = createServer((request, response) => this.#route(request, response));
  readonly #queue: Pending[] = [];
  #current: Pending | undefined;
  #child: ChildProcess | undefined;
  #processNumber = 0;
  #waitingNext: ServerResponse | undefined;
  #frozen = false;
  /** Called when the function next asks for an event (it is idle), or its process ends. */
  #idle: (() => void)[] = [];
  #address = '';
  /** Every line the function wrote, in order. */
  readonly output: { stream: 'stdout' | 'stderr'; text: string; processNumber: number }[] = [];
  /** How many times the function's process was frozen and thawed. */
  freezes = 0;

  private constructor(config: FunctionConfig) {
    this.#config = config;
  }

  static async start(config: FunctionConfig): Promise<RuntimeApiServer> {
    const server = new RuntimeApiServer(config);
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    const { port } = server.#server.address() as { port: number };
    server.#address = `127.0.0.1:${port}`;
    return server;
  }

  /** Queues one event and resolves when the function answered, failed or timed out. */
  invoke(event: unknown, options: { traceId?: string } = {}): Promise<InvocationResult> {
    return new Promise((resolve) => {
      this.#queue.push({ requestId: randomUUID(), event, traceId: options.traceId, resolve });
      this.#deliver();
    });
  }

  /**
   * Kills the function (as Lambda does when it retires an environment) and closes the API. Lambda retires
   * only an idle environment: work the function does after its response (a streaming handler's flush) runs
   * until it asks for the next event, at most the function timeout.
   */
  async stop(): Promise<void> {
    if (this.#child && !this.#frozen) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.#config.timeoutMs ?? 3000);
        this.#idle.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#kill();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  get processNumber(): number {
    return this.#processNumber;
  }

  #ensureProcess(): void {
    if (this.#child) return;
    this.#processNumber += 1;
    const number = this.#processNumber;
    const config = this.#config;
    const name = config.functionName ?? 'local-function';
    const child = spawn(config.nodePath ?? process.execPath, config.runtime ? [...config.runtime] : [BOOTSTRAP], {
      cwd: config.taskRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        AWS_LAMBDA_RUNTIME_API: this.#address,
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
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.setEncoding('utf8').on('data', (text: string) => {
        this.output.push({ stream, text, processNumber: number });
        config.onOutput?.(stream, text);
      });
    }
    child.on('exit', () => {
      if (this.#child !== child) return;
      this.#child = undefined;
      this.#frozen = false;
      this.#waitingNext = undefined;
      // The process died during an invocation (a crash, or a kill after init/error): report and move on.
      if (this.#current) this.#finish('crash', 'the function process exited');
      for (const idle of this.#idle.splice(0)) idle();
      this.#deliver();
    });
    this.#child = child;
  }

  #kill(): void {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    this.#waitingNext = undefined;
    this.#frozen = false;
    child.kill('SIGKILL');
  }

  /** Hands the next queued event to the function, thawing it first if it is frozen at /next. */
  #deliver(): void {
    if (this.#current || this.#queue.length === 0) return;
    this.#ensureProcess();
    const waiting = this.#waitingNext;
    if (!waiting) return; // the runtime has not asked yet; it will
    this.#waitingNext = undefined;
    const pending = this.#queue.shift()!;
    this.#current = pending;
    if (this.#frozen) {
      this.#child?.kill('SIGCONT');
      this.#frozen = false;
    }
    const timeoutMs = this.#config.timeoutMs ?? 3000;
    pending.started = performance.now();
    const deadline = Date.now() + timeoutMs;
    pending.deadlineTimer = setTimeout(() => this.#timeout(pending), timeoutMs);
    waiting.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': pending.requestId,
      'lambda-runtime-deadline-ms': String(deadline),
      'lambda-runtime-invoked-function-arn': `arn:aws:lambda:eu-west-1:123456789012:function:${this.#config.functionName ?? 'local-function'}`,
      ...(pending.traceId ? { 'lambda-runtime-trace-id': pending.traceId } : {}),
    });
    waiting.end(JSON.stringify(pending.event));
  }

  #timeout(pending: Pending): void {
    if (this.#current !== pending) return;
    // Lambda stops a timed-out environment; the next invocation is a cold start.
    this.#finish('timeout', `Task timed out after ${((this.#config.timeoutMs ?? 3000) / 1000).toFixed(2)} seconds`);
    this.#kill();
    this.#deliver();
  }

  #finish(status: InvocationStatus, payload: string): void {
    const pending = this.#current;
    if (!pending) return;
    this.#current = undefined;
    clearTimeout(pending.deadlineTimer);
    pending.resolve({
      requestId: pending.requestId,
      status,
      payload,
      durationMs: performance.now() - (pending.started ?? performance.now()),
      processNumber: this.#processNumber,
    });
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const path = (request.url ?? '').replace(PREFIX, '');
    const match = /^\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (request.method === 'GET' && path === '/invocation/next') return this.#next(response);
    if (request.method === 'POST' && match) return this.#post(match[1]!, match[2] as 'response' | 'error', body, response);
    if (request.method === 'POST' && path === '/init/error') {
      response.writeHead(202).end('{"status":"OK"}');
      this.#kill();
      const pending = this.#current ?? this.#queue.shift();
      if (pending) {
        this.#current = pending;
        this.#finish('init-error', body);
      }
      return;
    }
    response.writeHead(404).end();
  }

  #next(response: ServerResponse): void {
    this.#waitingNext = response;
    // The runtime has answered and asks for more: this is where Lambda freezes the environment.
    if (this.#child && !this.#frozen) {
      this.#child.kill('SIGSTOP');
      this.#frozen = true;
      this.freezes += 1;
    }
    for (const idle of this.#idle.splice(0)) idle();
    this.#deliver();
  }

  #post(requestId: string, kind: 'response' | 'error', body: string, response: ServerResponse): void {
    if (this.#current?.requestId !== requestId) {
      response.writeHead(400).end('{"errorMessage":"unknown or finished request id"}');
      return;
    }
    response.writeHead(202).end('{"status":"OK"}');
    this.#finish(kind === 'response' ? 'success' : 'error', body);
  }
}
