import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { EXTENSIONS_PREFIX, ExtensionsApi } from './extensions-api.ts';
import {
  invokeEvent,
  spawnFunction,
  writeInvocation,
  terminate,
  type FunctionConfig,
  type InvocationResult,
  type InvocationStatus,
  type InvokePhase,
  type Pending,
} from './function-process.ts';

export type { FunctionConfig, InvocationResult, InvocationStatus, InvokePhase } from './function-process.ts';

const PREFIX = '/2018-06-01/runtime';

/**
 * A local Lambda Runtime API that runs one function in a child process the way Lambda does, freeze
 * included: when the runtime asks for the next event the process gets SIGSTOP, and SIGCONT only when an
 * event is there to deliver. Whatever the function did not export before that `/next` stays frozen, and is
 * lost at `stop()` (SIGKILL), exactly as in production. A timeout kills the process; the next invocation
 * starts a new one (a cold start). With the Extensions API (extensions-api.ts) the caller still gets the
 * response when the runtime posts it, but the invoke phase (and the freeze) waits until the runtime and
 * every registered extension ask for their next event; at `stop()` such a process gets SIGTERM and 500 ms.
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
  #address = '';
  #runtimeAsked = false;
  #phaseWaiters: (() => void)[] = [];
  /** The invocation whose phase is open (its response may already be posted). */
  #phase: Pending | undefined;
  readonly extensions: ExtensionsApi;
  /** Every finished invoke phase, in order. */
  readonly phases: InvokePhase[] = [];
  /** Invocations whose response was posted but whose extensions overran the deadline (the process was reset). */
  extensionOverruns = 0;
  /** How the last `stop()` ended the process: after SIGTERM within the grace period, or by SIGKILL. */
  lastShutdown: 'sigterm' | 'sigkill' | 'none' = 'none';
  /** Every line the function wrote, in order. */
  readonly output: { stream: 'stdout' | 'stderr'; text: string; processNumber: number }[] = [];
  /** How many times the function's process was frozen and thawed. */
  freezes = 0;

  private constructor(config: FunctionConfig) {
    this.#config = config;
    this.extensions = new ExtensionsApi({
      enabled: config.extensions ?? true,
      managedInstances: config.env?.AWS_LAMBDA_MAX_CONCURRENCY !== undefined,
      registerResponse: () => ({
        functionName: config.functionName ?? 'local-function',
        functionVersion: '$LATEST',
        handler: config.handler,
      }),
      onReady: () => this.#afterReady(),
    });
  }

  /** The Runtime API address (`host:port`), as AWS_LAMBDA_RUNTIME_API gives it. */
  get address(): string {
    return this.#address;
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
   * Ends the function as Lambda retires an environment, and closes the API: SIGKILL, or with an extension
   * registered SIGTERM first and SIGKILL 500 ms later (`graceful: false` skips the SIGTERM).
   */
  async stop(options: { graceful?: boolean } = {}): Promise<void> {
    // Lambda retires an environment between invocations: an open invoke phase (extensions still at work
    // after the response) ends first, by their /event/next or the deadline.
    await this.idle();
    const child = this.#child;
    if (child)
      this.lastShutdown = this.extensions.count > 0 && options.graceful !== false ? await terminate(child, this.#frozen) : 'sigkill';
    this.#kill();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Resolves once no invoke phase is open: the last response is out and every extension asked again. */
  async idle(): Promise<void> {
    if (this.#phase) await new Promise<void>((resolve) => this.#phaseWaiters.push(resolve));
  }

  get processNumber(): number {
    return this.#processNumber;
  }

  #ensureProcess(): void {
    if (this.#child) return;
    this.#processNumber += 1;
    const number = this.#processNumber;
    this.extensions.reset();
    this.#runtimeAsked = false;
    const config = this.#config;
    const child = spawnFunction(config, this.#address);
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
      this.#endPhase(this.#phase, false);
      // The process died during an invocation (a crash, or a kill after init/error): report and move on.
      if (this.#current) this.#finish('crash', 'the function process exited');
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
    this.#endPhase(this.#phase, false);
    child.kill('SIGKILL');
  }

  /** Hands the next queued event to the function, thawing it first if it is frozen at /next. */
  #deliver(): void {
    if (this.#current || this.#phase || this.#queue.length === 0) return;
    this.#ensureProcess();
    const waiting = this.#waitingNext;
    // The runtime has not asked yet, or an extension still works on the last event (or its init): they will.
    if (!waiting || !this.extensions.allReady()) return;
    this.#waitingNext = undefined;
    const pending = this.#queue.shift()!;
    this.#current = pending;
    this.#phase = pending;
    if (this.#frozen) {
      this.#child?.kill('SIGCONT');
      this.#frozen = false;
    }
    const timeoutMs = this.#config.timeoutMs ?? 3000;
    pending.started = performance.now();
    const deadline = Date.now() + timeoutMs;
    pending.deadlineTimer = setTimeout(() => this.#timeout(pending), timeoutMs);
    const arn = `arn:aws:lambda:eu-west-1:123456789012:function:${this.#config.functionName ?? 'local-function'}`;
    // rapid releases the extensions first, then the runtime.
    this.extensions.dispatch(invokeEvent(pending, deadline, arn));
    writeInvocation(waiting, pending, deadline, arn);
  }

  #timeout(pending: Pending): void {
    if (this.#phase !== pending) return;
    if (this.#current !== pending) {
      // The caller has its response; an extension overran the deadline: Lambda resets the environment.
      this.extensionOverruns += 1;
      this.#kill();
      this.#deliver();
      return;
    }
    // Lambda stops a timed-out environment; the next invocation is a cold start.
    this.#finish('timeout', `Task timed out after ${((this.#config.timeoutMs ?? 3000) / 1000).toFixed(2)} seconds`);
    this.#kill();
    this.#deliver();
  }

  #finish(status: InvocationStatus, payload: string): void {
    const pending = this.#current;
    if (!pending) return;
    this.#current = undefined;
    const now = performance.now();
    pending.respondedAt = now;
    pending.resolve({
      requestId: pending.requestId,
      status,
      payload,
      durationMs: now - (pending.started ?? now),
      respondedAt: now,
      processNumber: this.#processNumber,
    });
    if (status !== 'success' && status !== 'error') this.#endPhase(pending, false);
  }

  /** Closes the invoke phase: after a response once the runtime and every extension ask again, or on a reset. */
  #endPhase(pending: Pending | undefined, completed: boolean): void {
    if (!pending || this.#phase !== pending) return;
    this.#phase = undefined;
    clearTimeout(pending.deadlineTimer);
    for (const resolve of this.#phaseWaiters.splice(0)) resolve();
    if (!completed || pending.respondedAt === undefined || pending.started === undefined) return;
    const now = performance.now();
    this.phases.push({
      requestId: pending.requestId,
      respondedAt: pending.respondedAt,
      responseMs: pending.respondedAt - pending.started,
      billedMs: now - pending.started,
    });
  }

  /** The runtime or an extension asked for its next event: end the phase, freeze when all wait, deliver. */
  #afterReady(): void {
    const phase = this.#phase;
    if (phase && !this.#current && this.#waitingNext && this.extensions.allReady()) this.#endPhase(phase, true);
    // This is where Lambda freezes the environment: the runtime and every extension wait for an event.
    if (this.#child && !this.#frozen && this.#waitingNext && this.extensions.allWaiting()) {
      this.#child.kill('SIGSTOP');
      this.#frozen = true;
      this.freezes += 1;
    }
    this.#deliver();
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    if ((request.url ?? '').startsWith(EXTENSIONS_PREFIX)) {
      const hold = this.#config.holdRegistrationMs;
      if (hold && request.url!.endsWith('/register')) await new Promise((resolve) => setTimeout(resolve, hold));
      this.extensions.route(request.method ?? '', request.url!, request.headers, body, response);
      return;
    }
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
    if (!this.#runtimeAsked) {
      // The runtime's first /next ends the registration phase (rapid: registrationService.TurnOff()).
      this.#runtimeAsked = true;
      this.extensions.closeRegistration();
    }
    this.#afterReady();
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
