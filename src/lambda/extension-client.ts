import type { Agent, IncomingHttpHeaders } from 'node:http';

// The two calls of the Lambda Extensions API an internal extension makes, over node:http: `fetch` is not
// used because undici's headers timeout (300 s) kills the /event/next long poll, and the poll's socket is
// unref()ed so a callback handler's wait for an empty event loop never waits on it.
// Research: ../shared/research/lambda-extensions-api.md §1, §4, §8.

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
 * One request to the Extensions API. No timeout: register is answered at once (giving up on it while
 * Lambda registered us would hang init), and /event/next blocks until the next event by design.
 */
export function callExtensionsApi(
  api: string,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
  unref = false,
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

/** Asks for the next event (a long poll on an unref()ed socket). */
export async function nextEvent(api: string, id: string): Promise<InvokeEvent> {
  const answer = await callExtensionsApi(api, 'GET', '/event/next', { 'Lambda-Extension-Identifier': id }, undefined, true);
  if (answer.status !== 200) throw new Error(`/event/next answered ${answer.status} ${errorTypeOf(answer.body)}`);
  return JSON.parse(answer.body) as InvokeEvent;
}

function errorTypeOf(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errorType?: unknown };
    return typeof parsed.errorType === 'string' ? parsed.errorType : '';
  } catch {
    return '';
  }
}
