import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ExtensionsApi } from './extensions-api.ts';
import { FunctionChild, type OutputChunk } from './function-child.ts';
import {
  dispatchInvocation,
  extensionsApiFor,
  holdRegistration,
  type FunctionConfig,
  type InvocationResult,
  type InvocationStatus,
  type InvokePhase,
  type Pending,
} from './function-process.ts';
import { InvocationBook } from './invocation-book.ts';
import { endPayload, InitDeadline, type ProcessEnd } from './process-end.ts';
import { routeRuntimeApi } from './runtime-api-routes.ts';
import { StateWatch } from './state-watch.ts';

export type { FunctionConfig, InvocationResult, InvocationStatus, InvokePhase } from './function-process.ts';

/**
 * A local Lambda Runtime API that runs one function in a child process the way Lambda does, freeze
 * included: when the runtime asks for the next event the process gets SIGSTOP, and SIGCONT only when an
 * event is there to deliver. Whatever the function did not export before that `/next` stays frozen, and is
 * lost at `stop()` (SIGKILL), exactly as in production. A timeout kills the process; the next invocation
 * starts a new one (a cold start). With the Extensions API (extensions-api.ts) the caller still gets the
 * response when the runtime posts it, but the invoke phase (and the freeze) waits until the runtime and
 * every registered extension ask for their next event; at `stop()` such a process gets SIGTERM and 500 ms.
 * This class decides when the process (function-child.ts) is spawned, frozen, thawed and killed; the routes
 * are in runtime-api-routes.ts and the invocation bookkeeping (queue, open phase, results) in invocation-book.ts.
 *
 * @example
 * const lambda = await RuntimeApiServer.start({ taskRoot: 'dist/hello', handler: 'index.handler' });
 * const result = await lambda.invoke({ rawPath: '/' });
 * await lambda.stop();
 */
export class RuntimeApiServer {
  readonly #config: FunctionConfig;
  // node:http ignores what a listener returns: a request whose body breaks off (the client went away) would
  // reject unhandled and end the test process, so its response is destroyed instead.
  readonly #server = createServer(
    (request, response) =>
      void this.#route(request, response)
        .catch(() => response.destroy())
        .finally(() => this.#watch.changed()),
  );
  readonly #route = (request: IncomingMessage, response: ServerResponse) =>
    routeRuntimeApi(request, response, {
      extension: (request, body, response) => this.#extension(request, body, response),
      next: (response) => this.#next(response),
      post: (requestId, kind, body, response) => this.#post(requestId, kind, body, response),
      initError: (body) => this.#initFailed(body),
    });
  /** The conditions `until()` waits for, re-checked after every state change. */
  readonly #watch = new StateWatch();
  readonly #book = new InvocationBook();
  readonly #process: FunctionChild;
  #waitingNext: ServerResponse | undefined;
  #address = '';
  #runtimeAsked = false;
  readonly #init = new InitDeadline();
  readonly extensions: ExtensionsApi;
  /** Invocations whose response was posted but whose extensions overran the deadline (the process was reset). */
  extensionOverruns = 0;
  /** How the last `stop()` ended the process: after SIGTERM within the grace period, or by SIGKILL. */
  lastShutdown: 'sigterm' | 'sigkill' | 'none' = 'none';

  private constructor(config: FunctionConfig) {
    this.#config = config;
    this.#process = new FunctionChild(config, () => this.#watch.changed());
    this.extensions = extensionsApiFor(config, () => this.#afterReady());
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

  /** Every line the function wrote, in order. */
  get output(): readonly OutputChunk[] {
    return this.#process.output;
  }

  /** How many times the function's process was frozen and thawed. */
  get freezes(): number {
    return this.#process.freezes;
  }

  /** The process is stopped (SIGSTOP) at /next: what Lambda reclaims between invocations. */
  get frozen(): boolean {
    return this.#process.frozen;
  }

  /** Every finished invoke phase, in order. */
  get phases(): InvokePhase[] {
    return this.#book.phases;
  }

  /** Queues one event and resolves when the function answered, failed or timed out. */
  invoke(event: unknown, options: { traceId?: string } = {}): Promise<InvocationResult> {
    const result = this.#book.enqueue(event, options.traceId);
    this.#deliver();
    return result;
  }

  /**
   * Ends the function as Lambda retires an environment, and closes the API: SIGKILL, or with an extension
   * registered SIGTERM first and SIGKILL 500 ms later (`graceful: false` skips the SIGTERM). Lambda retires
   * an environment between invocations: an open invoke phase ends first (`now: true` does not wait for it).
   */
  async stop(options: { graceful?: boolean; now?: boolean } = {}): Promise<void> {
    if (!options.now) await this.idle();
    if (this.#process.running)
      this.lastShutdown = this.extensions.count > 0 && options.graceful !== false ? await this.#process.terminate() : 'sigkill';
    this.#kill();
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  /** Resolves once no invoke phase is open: the last response is out and every extension asked again. */
  idle(): Promise<void> {
    return this.#book.idle();
  }

  get processNumber(): number {
    return this.#process.processNumber;
  }

  /** The runtime is parked in GET /invocation/next (it waits for its next event). */
  get runtimeWaiting(): boolean {
    return this.#waitingNext !== undefined;
  }

  /**
   * Resolves once `condition()` holds: checked now, then again after every Runtime or Extensions API request
   * the emulator has answered (or parked), every line of output and every process exit. A test waits for the
   * mechanism (an extension registered, the process frozen) instead of sleeping and hoping it happened on a
   * loaded machine. Rejects after `timeoutMs`, naming `what`.
   *
   * @example
   * await lambda.until(() => lambda.extensions.names.includes('faas-observability-internal'), 'the library registered');
   */
  until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    return this.#watch.until(condition, what, timeoutMs);
  }

  #ensureProcess(): void {
    if (this.#process.running) return;
    this.extensions.reset();
    this.#runtimeAsked = false;
    this.#process.spawn(this.#address, (end) => this.#exited(end));
    // Every wait has a deadline: an init that never ends (a top-level await that never settles) is killed.
    this.#init.arm(this.#config.timeoutMs ?? 3000, (payload) => this.#initFailed(payload));
  }

  /** The process ended by itself, or could not start: in its init, the queued event fails as Lambda fails it. */
  #exited(end: ProcessEnd): void {
    this.#waitingNext = undefined;
    this.#book.endPhase(this.#book.phase, false);
    // Before its first event (an exit at load, a wrapper without `exec "$@"`): an init error, not a respawn.
    if (this.#init.open) this.#initFailed(endPayload(end));
    else if (this.#book.current) this.#finish('crash', endPayload(end));
    this.#deliver();
    this.#watch.changed();
  }

  /** The init phase failed (exit, no start, deadline): the next queued event gets `payload`; the process goes. */
  #initFailed(payload: string): void {
    this.#kill();
    this.#book.failInit(payload, this.#process.processNumber);
    this.#deliver();
  }

  #kill(): void {
    this.#init.end();
    if (!this.#process.running) return;
    this.#waitingNext = undefined;
    this.#process.kill();
    this.#book.endPhase(this.#book.phase, false);
  }

  /** Hands the next queued event to the function, thawing it first if it is frozen at /next. */
  #deliver(): void {
    if (!this.#book.canStart()) return;
    this.#ensureProcess();
    const waiting = this.#waitingNext;
    // The runtime has not asked yet, or an extension still works on the last event (or its init): they will.
    if (!waiting || !this.extensions.allReady()) return;
    this.#waitingNext = undefined;
    this.#init.end();
    const pending = this.#book.begin();
    this.#process.thaw();
    dispatchInvocation({ waiting, extensions: this.extensions }, pending, this.#config, () => this.#timeout(pending));
  }

  #timeout(pending: Pending): void {
    if (this.#book.phase !== pending) return;
    // The function timed out, or the caller has its response and an extension overran the deadline: Lambda
    // resets the environment either way, and the next invocation is a cold start.
    if (this.#book.current !== pending) this.extensionOverruns += 1;
    else this.#finish('timeout', `Task timed out after ${((this.#config.timeoutMs ?? 3000) / 1000).toFixed(2)} seconds`);
    this.#kill();
    this.#deliver();
  }

  #finish(status: InvocationStatus, payload: string): void {
    this.#book.finish(status, payload, this.#process.processNumber);
  }

  /** The runtime or an extension asked for its next event: end the phase, freeze when all wait, deliver. */
  #afterReady(): void {
    const phase = this.#book.phase;
    if (phase && !this.#book.current && this.#waitingNext && this.extensions.allReady()) this.#book.endPhase(phase, true);
    // This is where Lambda freezes the environment: the runtime and every extension wait for an event.
    if (this.#waitingNext && this.extensions.allWaiting()) this.#process.freeze();
    this.#deliver();
  }

  async #extension(request: IncomingMessage, body: string, response: ServerResponse): Promise<void> {
    if (request.url!.endsWith('/register'))
      await holdRegistration(this.#config, () => this.until(() => this.#runtimeAsked, 'the runtime asked for its first event'));
    this.extensions.route(request.method ?? '', request.url!, request.headers, body, response);
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
    if (this.#book.current?.requestId !== requestId)
      return void response.writeHead(400).end('{"errorMessage":"unknown or finished request id"}');
    response.writeHead(202).end('{"status":"OK"}');
    this.#finish(kind === 'response' ? 'success' : 'error', body);
  }
}
