import { beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { startInitGate, type InitGate } from '../helpers/init-gate.ts';

// The emulator's Extensions API, driven by the test as a second extension beside the library's own one:
// the 403s rapid answers, INVOKE events, and the freeze held until the runtime AND every extension wait.

let taskRoot: string;
beforeAll(async () => {
  const artifact = await buildFixtureFunction('post-response');
  taskRoot = artifact.dir;
}, 60_000);

const start = (config: { extensions?: boolean; gate?: InitGate } = {}) =>
  RuntimeApiServer.start({
    taskRoot,
    handler: 'index.handler',
    extensions: config.extensions,
    // No collector: the export fails fast to stdout; an init held at the gate leaves time to register.
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      FIXTURE_TOP_LEVEL_AWAIT: '1',
      ...(config.gate && { FIXTURE_INIT_GATE: config.gate.url }),
    },
  });

async function call(lambda: RuntimeApiServer, method: string, path: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`http://${lambda.address}/2020-01-01/extension${path}`, { method, headers, body });
  const text = await response.text();
  return { status: response.status, id: response.headers.get('lambda-extension-identifier'), body: text ? JSON.parse(text) : undefined };
}
const register = (lambda: RuntimeApiServer, name: string, events: string[]) =>
  call(lambda, 'POST', '/register', { 'Lambda-Extension-Name': name }, JSON.stringify({ events }));
const next = (lambda: RuntimeApiServer, id: string) => call(lambda, 'GET', '/event/next', { 'Lambda-Extension-Identifier': id });
/** The name the library registers its own extension under (EXTENSION_NAME in src/lambda/extension-client.ts). */
const LIBRARY_EXTENSION = 'faas-observability-internal';

describe('the Runtime API emulator speaks the Extensions API', () => {
  it('register, its 403s, INVOKE events, and the freeze only when the runtime and every extension wait', async () => {
    const gate = await startInitGate();
    const lambda = await start({ gate });
    try {
      const first = lambda.invoke({ i: 1 }); // starts the process; its init waits at the gate
      await gate.reached;
      // The library's own extension registers (top-level await) before that; the refusals below need it there.
      await lambda.until(() => lambda.extensions.names.includes(LIBRARY_EXTENSION), 'the library registered its extension');
      expect((await register(lambda, 'test-shutdown', ['SHUTDOWN'])).body).toEqual({
        errorType: 'Extension.InvalidEventType',
        errorMessage: 'SHUTDOWN: ShutdownEventNotSupportedForInternalExtension',
      });
      expect((await register(lambda, '', ['INVOKE'])).body.errorType).toBe('Extension.InvalidExtensionName');
      const ours = await register(lambda, 'test-extension', ['INVOKE']);
      expect(ours.status).toBe(200);
      expect(ours.body).toEqual({ functionName: 'local-function', functionVersion: '$LATEST', handler: 'index.handler' });
      expect((await register(lambda, 'test-extension', ['INVOKE'])).body.errorType).toBe('Extension.InvalidExtensionState');
      expect((await register(lambda, LIBRARY_EXTENSION, ['INVOKE'])).body.errorType).toBe('Extension.InvalidExtensionState');
      const id = ours.id!;
      expect((await next(lambda, '4f0e1c3a-0000-4000-8000-000000000000')).body.errorType).toBe('Extension.UnknownExtensionIdentifier');
      expect((await call(lambda, 'GET', '/event/next', {})).body.errorType).toBe('Extension.MissingExtensionIdentifier');

      // Init ends only once this extension asks for its first event: then it gets the INVOKE.
      gate.open();
      const invoke = await next(lambda, id);
      const result = await first;
      expect(invoke.body).toMatchObject({
        eventType: 'INVOKE',
        requestId: result.requestId,
        invokedFunctionArn: expect.stringContaining(':function:'),
      });
      expect(invoke.body.deadlineMs).toBeGreaterThan(Date.now());
      expect((await register(lambda, 'too-late', ['INVOKE'])).body).toEqual({
        errorType: 'Extension.RegistrationClosed',
        errorMessage: 'Extension registration closed already',
      });

      // The response is out; the runtime and the library's extension wait, this one works: no freeze,
      // and the next invocation waits for it too.
      const frozenBefore = lambda.freezes; // the end of init freezes (and thaws at once for event 1)
      const second = lambda.invoke({ i: 2 });
      // Everyone but this extension waits now: the moment the emulator would wrongly freeze.
      await lambda.until(
        () => lambda.runtimeWaiting && lambda.extensions.waitingNames.includes(LIBRARY_EXTENSION),
        'the runtime and the library wait for their next event',
      );
      expect(lambda.freezes).toBe(frozenBefore);
      expect(lambda.phases).toHaveLength(0);
      const invoke2 = next(lambda, id); // done with event 1: the phase ends, event 2 goes out
      expect((await second).status).toBe('success');
      expect((await invoke2).body.requestId).toBe((await second).requestId);
      expect(lambda.phases.map((p) => p.requestId)).toEqual([result.requestId]);

      // Done with event 2: now everyone waits and the process freezes; a second pending /next is refused.
      const parked = next(lambda, id);
      await lambda.until(
        () => lambda.runtimeWaiting && lambda.extensions.waitingNames.length === 2,
        'the runtime and both extensions wait for their next event',
      );
      expect(lambda.freezes).toBe(frozenBefore + 2); // after event 1 (thawed for event 2), after event 2
      expect((await next(lambda, id)).body.errorType).toBe('Extension.InvalidExtensionState');
      void parked.catch(() => {});
    } finally {
      await lambda.stop({ graceful: false });
      await gate.close();
    }
  }, 60_000);

  it('with extensions disabled every route answers 404 and the library falls back to the flush before the response', async () => {
    const lambda = await start({ extensions: false });
    try {
      const result = await lambda.invoke({ i: 1 });
      expect(result.status).toBe('success');
      expect((await register(lambda, 'x', ['INVOKE'])).status).toBe(404);
      expect(lambda.output.map((o) => o.text).join('')).toMatch(
        /flushing before each response: the Extensions API refused the registration \(404/,
      );
    } finally {
      await lambda.stop();
    }
  }, 60_000);
});
