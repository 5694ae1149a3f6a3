import type { Agent, IncomingHttpHeaders } from 'node:http';

// The two calls of the Lambda Extensions API an internal extension makes, over node:http: `fetch` is not
// used because undici's headers timeout (300 s) kills the /event/next long poll, and the poll's socket is
// unref()ed so a callback handler's wait for an empty event loop never waits on it.
// The API: https://docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html

/** The name the extension registers under: not a file in /opt/extensions, so Lambda takes it as internal. */
export const EXTENSION_NAME = 'faas-observability-internal';

export interface ApiAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** An INVOKE event as /event/next delivers it. */
export interface InvokeEvent {
  readonly eventType: string;
  readonly requestId?: string;
  readonly deadlineMs?: number;
}

// One socket for the long poll, kept apart from the exporters' and the runtime client's. node:http comes
// through process.getBuiltinModule, not an ESM import: on Node 22 and 24 the import's facade reads the
// module's `WebSocket` getter, which loads undici (~25 ms of cold start).
let agent: Agent | undefined;

/**
 * One request to the Extensions API. No timeout unless `timeoutMs`: register is answered at once (giving up
 * on it while Lambda registered us would hang init), and /event/next blocks until the next event by design.
 */
export function callExtensionsApi(
  api: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
  unref = false,
  timeoutMs?: number,
): Promise<ApiAnswer> {
  const { Agent: HttpAgent, request } = process.getBuiltinModule('node:http');
  agent ??= new HttpAgent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const outgoing = request(`http://${api}/2020-01-01/extension${path}`, { method, agent, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    if (unref) outgoing.on('socket', (socket) => socket.unref());
    // The socket's idle timer: cleared by node when the request ends, whichever way.
    if (timeoutMs !== undefined) outgoing.setTimeout(timeoutMs, () => outgoing.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    outgoing.end(body);
  });
}

/** Registers for INVOKE events; the identifier, or why Lambda refused. */
export async function register(api: string): Promise<{ id: string } | { refused: string }> {
  const answer = await callExtensionsApi(
    api,
    'POST',
    '/register',
    { 'Lambda-Extension-Name': EXTENSION_NAME, 'content-type': 'application/json' },
    JSON.stringify({ events: ['INVOKE'] }),
  );
  const id = answer.headers['lambda-extension-identifier'];
  if (answer.status === 200 && typeof id === 'string' && id !== '') return { id };
  return { refused: `${answer.status} ${errorTypeOf(answer.body)}` };
}

/** A failed Extensions API call; `retriable` when another try may succeed (network, 5xx, a body that is not JSON). */
export class ExtensionsApiError extends Error {
  readonly retriable: boolean;
  constructor(message: string, retriable: boolean) {
    super(message);
    this.retriable = retriable;
  }
}

/** Asks for the next event (a long poll on an unref()ed socket). */
export async function nextEvent(api: string, id: string): Promise<InvokeEvent> {
  let answer: ApiAnswer;
  try {
    answer = await callExtensionsApi(api, 'GET', '/event/next', { 'Lambda-Extension-Identifier': id }, undefined, true);
  } catch (error) {
    throw new ExtensionsApiError(`/event/next failed (${String(error)})`, true);
  }
  // A 4xx (403 Extension.UnknownExtensionIdentifier, InvalidExtensionIdentifier, InvalidExtensionState...) is
  // the same on every try; a 5xx or a garbled answer may not be.
  if (answer.status !== 200)
    throw new ExtensionsApiError(`/event/next answered ${answer.status} ${errorTypeOf(answer.body)}`, answer.status >= 500);
  try {
    return JSON.parse(answer.body) as InvokeEvent;
  } catch {
    throw new ExtensionsApiError('/event/next answered a body that is not JSON', true);
  }
}

/** Waits between tries of /event/next: short, the function's invocation is held meanwhile (260 ms in all). */
export const NEXT_EVENT_BACKOFF_MS: readonly number[] = [20, 60, 180];

/**
 * Asks for the next event, trying again after a retriable failure (`backoffMs`: one wait per retry); throws
 * the last error once the tries are spent or at once for one that cannot get better.
 */
export async function nextEventRetrying(
  ask: () => Promise<InvokeEvent>,
  backoffMs: readonly number[] = NEXT_EVENT_BACKOFF_MS,
): Promise<InvokeEvent> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      const retriable = error instanceof ExtensionsApiError && error.retriable;
      if (!retriable || attempt >= backoffMs.length) throw error;
      // unref(): a callback handler's wait for an empty event loop never waits on it.
      await new Promise((resolve) => setTimeout(resolve, backoffMs[attempt]).unref());
    }
  }
}

/** How long the exit/error report may take: Lambda answers it at once. */
const EXIT_ERROR_TIMEOUT_MS = 1000;

/**
 * Tells Lambda the extension cannot go on (`POST /exit/error`, answered 202): the status, or why the call
 * failed. Bounded; never throws.
 */
export async function reportExitError(api: string, id: string, errorType: string, errorMessage: string): Promise<string> {
  const headers = {
    'Lambda-Extension-Identifier': id,
    'Lambda-Extension-Function-Error-Type': errorType,
    'content-type': 'application/json',
  };
  const body = JSON.stringify({ errorType, errorMessage });
  return callExtensionsApi(api, 'POST', '/exit/error', headers, body, true, EXIT_ERROR_TIMEOUT_MS).then(
    (answer) => `${answer.status} ${errorTypeOf(answer.body)}`.trim(),
    (error: unknown) => String(error),
  );
}

function errorTypeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : '';
  } catch {
    return '';
  }
}
