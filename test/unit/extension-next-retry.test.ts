import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ExtensionsApiError,
  NEXT_EVENT_BACKOFF_MS,
  nextEvent,
  nextEventRetrying,
  reportExitError,
  type InvokeEvent,
} from '../../src/lambda/extension-client.ts';

// The retry policy of the extension's /event/next (issue: a failed /event/next must not stop the
// extension): which failures are tried again, how often, and the exit/error report once they are spent.

const ID = '4f0e1c3a-0000-4000-8000-000000000000';
const EVENT: InvokeEvent = { eventType: 'INVOKE', requestId: 'r1', deadlineMs: 1 };
let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

/** A local Extensions API answering every request with `answer`; the requests it saw. */
async function api(
  answer: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ address: string; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  server = createServer((request, response) => {
    seen.push(request);
    request.resume().on('end', () => answer(request, response));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { address: `127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

const failure = (ask: Promise<unknown>) =>
  ask.then(
    () => undefined,
    (error: unknown) => error as ExtensionsApiError,
  );

describe('which /event/next failures are tried again', () => {
  it.each([
    ['a 500', (response: ServerResponse) => void response.writeHead(500).end('{"errorType":"InternalServerError"}'), true],
    ['a reset connection', (response: ServerResponse) => void response.socket?.destroy(), true],
    ['an answer that is not JSON', (response: ServerResponse) => void response.writeHead(200).end('<html>'), true],
    [
      'a 403 Extension.UnknownExtensionIdentifier',
      (response: ServerResponse) => void response.writeHead(403).end('{"errorType":"Extension.UnknownExtensionIdentifier"}'),
      false,
    ],
    [
      'a 403 Extension.InvalidExtensionState',
      (response: ServerResponse) => void response.writeHead(403).end('{"errorType":"Extension.InvalidExtensionState"}'),
      false,
    ],
  ])('%s: retriable %s', async (_name, answer, retriable) => {
    const { address } = await api((_request, response) => answer(response));
    const error = await failure(nextEvent(address, ID));
    expect(error).toBeInstanceOf(ExtensionsApiError);
    expect(error!.retriable).toBe(retriable);
  });

  it('a 200 with the event is the event', async () => {
    const { address, seen } = await api((_request, response) => void response.writeHead(200).end(JSON.stringify(EVENT)));
    expect(await nextEvent(address, ID)).toEqual(EVENT);
    expect(seen[0]!.headers['lambda-extension-identifier']).toBe(ID);
  });
});

describe('nextEventRetrying', () => {
  const asking = (failures: Error[]) => {
    let calls = 0;
    const ask = async () => {
      const error = failures[calls++];
      if (error) throw error;
      return EVENT;
    };
    return { ask, calls: () => calls };
  };

  it('a transient failure is tried again and the event comes through', async () => {
    const { ask, calls } = asking([new ExtensionsApiError('reset', true), new ExtensionsApiError('500', true)]);
    expect(await nextEventRetrying(ask, [1, 1, 1])).toEqual(EVENT);
    expect(calls()).toBe(3);
  });

  it('a persistent failure: one try per backoff step plus the first, then the last error', async () => {
    const errors = Array.from({ length: 10 }, (_, i) => new ExtensionsApiError(`500 #${i}`, true));
    const { ask, calls } = asking(errors);
    expect((await failure(nextEventRetrying(ask, [1, 1, 1])))?.message).toBe('500 #3');
    expect(calls()).toBe(4);
  });

  it('what cannot get better (a 4xx, an unknown error) is not tried again', async () => {
    for (const error of [new ExtensionsApiError('403', false), new Error('a bug')]) {
      const { ask, calls } = asking([error]);
      expect(await failure(nextEventRetrying(ask, [1, 1, 1]))).toBe(error);
      expect(calls()).toBe(1);
    }
  });

  it('the default backoff is a few short waits: the function is held meanwhile', () => {
    expect(NEXT_EVENT_BACKOFF_MS.length).toBeGreaterThanOrEqual(2);
    expect(NEXT_EVENT_BACKOFF_MS.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(500);
  });
});

describe('reportExitError', () => {
  it('posts /exit/error with the identifier and the error type header, and gives the answer', async () => {
    const { address, seen } = await api((_request, response) => void response.writeHead(202).end('{"status":"OK"}'));
    expect(await reportExitError(address, ID, 'Extension.PollFailed', 'why')).toBe('202');
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/2020-01-01/extension/exit/error');
    expect(seen[0]!.headers['lambda-extension-identifier']).toBe(ID);
    expect(seen[0]!.headers['lambda-extension-function-error-type']).toBe('Extension.PollFailed');
  });

  it('never throws and is bounded: an API that does not answer gives a reason', async () => {
    const { address } = await api(() => {});
    expect(await reportExitError(address, ID, 'Extension.PollFailed', 'why')).toMatch(/no answer in \d+ ms/);
  });
});
