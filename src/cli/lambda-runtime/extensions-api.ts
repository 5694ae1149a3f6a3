import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

// The Lambda Extensions API as rapid implements it (https://github.com/aws/aws-lambda-runtime-interface-emulator,
// the same code base Lambda runs; the API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html): register and its 403s, /event/next with the INVOKE
// event, registration closed by the runtime's first /next, and the bookkeeping the emulator needs to
// hold the next invocation and the freeze until every extension has asked for its next event.

export const EXTENSIONS_PREFIX = '/2020-01-01/extension';

/** The body of an INVOKE event, as rapid renders it. */
export interface InvokeEvent {
  readonly eventType: 'INVOKE';
  readonly deadlineMs: number;
  readonly requestId: string;
  readonly invokedFunctionArn: string;
  readonly tracing?: { readonly type: 'X-Amzn-Trace-Id'; readonly value: string };
}

interface Agent {
  readonly id: string;
  readonly name: string;
  readonly events: readonly string[];
  /** Its parked /event/next, when it waits. */
  waiting?: ServerResponse;
  /** An event dispatched while it was busy: handed out on its next /event/next (rapid's sticky release). */
  queued?: InvokeEvent;
  /** It has asked for its next event since the last one it was given. */
  ready: boolean;
  /** It reported /exit/error: a terminal state, every later /event/next is refused. */
  exited?: boolean;
}

export interface ExtensionsOptions {
  /** Lambda Managed Instances (AWS_LAMBDA_MAX_CONCURRENCY): internal extensions may register no events. */
  readonly managedInstances: boolean;
  /** Off: every route answers 404, as when /opt/disable-extensions-jwigqn8j exists. */
  readonly enabled: boolean;
  readonly registerResponse: () => Record<string, string>;
  /** Called whenever an agent asks for its next event (the emulator may deliver or freeze). */
  readonly onReady: () => void;
}

const forbidden = (response: ServerResponse, errorType: string, errorMessage: string): void =>
  void response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ errorMessage, errorType }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_AGENTS = 10;

/** The extensions of one function process: cleared with `reset()` when a new process starts. */
export class ExtensionsApi {
  readonly #options: ExtensionsOptions;
  #agents = new Map<string, Agent>();
  #open = true;
  /** Every register answer, in order, for tests: `200` or the 403's errorType. */
  readonly registrations: string[] = [];
  /** Every accepted /exit/error, in order: its Lambda-Extension-Function-Error-Type. */
  readonly exitErrors: string[] = [];
  /** Fault injection: the next /event/next calls that fail before they reach the API. */
  #faults: { count: number; kind: 'reset' | 500 } = { count: 0, kind: 500 };

  constructor(options: ExtensionsOptions) {
    this.#options = options;
  }

  /**
   * Fault injection: the next `count` /event/next calls (any process) fail before rapid sees them, by a
   * connection reset or a 500 (rapid's InternalServerError); the agent stays as it was.
   */
  failNextEvents(count: number, kind: 'reset' | 500): void {
    this.#faults = { count, kind };
  }

  /** A new process: no agents, registration open until the runtime's first /next. */
  reset(): void {
    for (const agent of this.#agents.values()) agent.waiting?.destroy();
    this.#agents = new Map();
    this.#open = true;
  }

  /** The runtime's first /next: rapid's `registrationService.TurnOff()`. */
  closeRegistration(): void {
    this.#open = false;
  }

  get count(): number {
    return this.#agents.size;
  }

  /** The names of the extensions registered in the current process, in order: for tests to see who registered. */
  get names(): string[] {
    return [...this.#agents.values()].map((agent) => agent.name);
  }

  /** The names of the extensions parked in /event/next right now (waiting for an event). */
  get waitingNames(): string[] {
    return [...this.#agents.values()].filter((agent) => agent.waiting !== undefined).map((agent) => agent.name);
  }

  /** Every agent has asked for its next event since the last invocation (init or invoke phase may end). */
  allReady(): boolean {
    return [...this.#agents.values()].every((agent) => agent.ready);
  }

  /** Every agent is parked in /event/next: with the runtime also waiting, the environment can freeze. */
  allWaiting(): boolean {
    return [...this.#agents.values()].every((agent) => agent.waiting !== undefined);
  }

  /** Releases the INVOKE event to every agent subscribed to it (before the runtime gets its event). */
  dispatch(event: InvokeEvent): void {
    for (const agent of this.#agents.values()) {
      if (!agent.events.includes('INVOKE')) continue;
      agent.ready = false;
      const waiting = agent.waiting;
      agent.waiting = undefined;
      if (waiting) send(waiting, event);
      else agent.queued = event;
    }
  }

  /** Answers a request under /2020-01-01/extension; false when the path is not one of its routes. */
  route(method: string, path: string, headers: IncomingHttpHeaders, body: string, response: ServerResponse): boolean {
    if (!path.startsWith(EXTENSIONS_PREFIX)) return false;
    if (!this.#options.enabled) {
      response.writeHead(404).end();
      return true;
    }
    const rest = path.slice(EXTENSIONS_PREFIX.length);
    if (method === 'POST' && rest === '/register') this.#register(headers, body, response);
    else if (method === 'GET' && rest === '/event/next') {
      if (!this.#faulted(response)) this.#next(headers, response);
    } else if (method === 'POST' && rest === '/exit/error') this.#exitError(headers, response);
    else response.writeHead(404).end();
    return true;
  }

  #register(headers: IncomingHttpHeaders, body: string, response: ServerResponse): void {
    const refuse = (errorType: string, errorMessage: string) => {
      this.registrations.push(errorType);
      forbidden(response, errorType, errorMessage);
    };
    const name = String(headers['lambda-extension-name'] ?? '');
    if (name === '') return refuse('Extension.InvalidExtensionName', 'Empty extension name');
    let events: unknown;
    try {
      events = (JSON.parse(body) as { events?: unknown }).events ?? [];
    } catch {
      return refuse('InvalidRequestFormat', 'Invalid JSON');
    }
    if (!Array.isArray(events)) return refuse('InvalidRequestFormat', 'events must be a list');
    if (this.#options.managedInstances && events.length > 0)
      return refuse('Extension.InvalidEventType', 'No events allowed for internal extensions');
    for (const event of events) {
      // No file under /opt/extensions here: every name is an internal extension, which may not take SHUTDOWN.
      if (event === 'SHUTDOWN') return refuse('Extension.InvalidEventType', 'SHUTDOWN: ShutdownEventNotSupportedForInternalExtension');
      if (event !== 'INVOKE') return refuse('Extension.InvalidEventType', `${String(event)}: ErrorInvalidEventType`);
    }
    // rapid's order: the events first, then closed, too many, the name (CreateInternalAgent).
    if (!this.#open) return refuse('Extension.RegistrationClosed', 'Extension registration closed already');
    if (this.#agents.size >= MAX_AGENTS) return refuse('Extension.TooManyExtensions', `Extension limit (${MAX_AGENTS}) reached`);
    if ([...this.#agents.values()].some((agent) => agent.name === name))
      return refuse('Extension.InvalidExtensionState', 'Extension with this name already registered');
    const id = randomUUID();
    this.#agents.set(id, { id, name, events: events as string[], ready: false });
    this.registrations.push('200');
    response
      .writeHead(200, { 'content-type': 'application/json', 'lambda-extension-identifier': id })
      .end(JSON.stringify(this.#options.registerResponse()));
  }

  #faulted(response: ServerResponse): boolean {
    if (this.#faults.count === 0) return false;
    this.#faults.count -= 1;
    if (this.#faults.kind === 'reset') response.socket?.destroy();
    else
      response
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"errorMessage":"Internal Server Error","errorType":"InternalServerError"}');
    return true;
  }

  /**
   * rapid's agentexiterror.go: the agent moves to its terminal ExitError state and the first fatal error is
   * stored (202). It does not release the invoke gate: an open phase still waits for the agent, until the
   * deadline resets the environment.
   */
  #exitError(headers: IncomingHttpHeaders, response: ServerResponse): void {
    const agent = this.#agentOf(headers, response, 'Unknown Lambda-Extension-Identifier');
    if (!agent) return;
    const errorType = headers['lambda-extension-function-error-type'];
    if (typeof errorType !== 'string' || errorType === '')
      return forbidden(response, 'Extension.MissingHeader', 'Lambda-Extension-Function-Error-Type not found');
    agent.exited = true;
    this.exitErrors.push(errorType);
    response.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"OK"}');
  }

  /** rapid's identifier middleware, then the handler's lookup: the agent, or undefined once refused. */
  #agentOf(headers: IncomingHttpHeaders, response: ServerResponse, unknown: string): Agent | undefined {
    const id = headers['lambda-extension-identifier'];
    if (typeof id !== 'string')
      return void forbidden(response, 'Extension.MissingExtensionIdentifier', 'Missing Lambda-Extension-Identifier header');
    if (!UUID.test(id)) return void forbidden(response, 'Extension.InvalidExtensionIdentifier', 'Invalid extension identifier');
    const agent = this.#agents.get(id);
    if (!agent) forbidden(response, 'Extension.UnknownExtensionIdentifier', unknown);
    return agent;
  }

  #next(headers: IncomingHttpHeaders, response: ServerResponse): void {
    const id = String(headers['lambda-extension-identifier']);
    const agent = this.#agentOf(headers, response, `Unknown extension ${id}`);
    if (!agent) return;
    if (agent.exited)
      return forbidden(
        response,
        'Extension.InvalidExtensionState',
        `State transition from ExitError to Ready failed for extension ${id}. Error: State transition is not allowed`,
      );
    if (agent.waiting) {
      return forbidden(
        response,
        'Extension.InvalidExtensionState',
        `State transition from Ready to Ready failed for extension ${id}. Error: State transition is not allowed`,
      );
    }
    agent.ready = true;
    const queued = agent.queued;
    agent.queued = undefined;
    if (queued) {
      agent.ready = false;
      send(response, queued);
    } else {
      agent.waiting = response;
      response.on('close', () => {
        if (agent.waiting === response) agent.waiting = undefined;
      });
    }
    this.#options.onReady();
  }
}

function send(response: ServerResponse, event: InvokeEvent): void {
  response.writeHead(200, { 'content-type': 'application/json', 'lambda-extension-event-identifier': randomUUID() });
  response.end(JSON.stringify(event));
}
