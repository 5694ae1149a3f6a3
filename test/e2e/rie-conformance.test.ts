import { execFileSync, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../tools/loopback.ts';
import { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { onFreshPortsWhenTaken } from '../../tools/stack/process.ts';
import { collectorAvailability, startCollector, type RunningCollector } from '../helpers/collector.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { startInitGate, type InitGate } from '../helpers/init-gate.ts';

// Protocol conformance: the same Extensions API conversation held with AWS's Runtime Interface Emulator
// (the rapid state machine Lambda runs, built from its Go module by tools/rie-build.sh) and with our
// emulator must get the same answers; and the library's extension works under the RIE. The RIE holds the
// caller's response until the extensions are done, so latency is measured on our emulator (bench/).

const RIE = new URL('../../.cache/rie/aws-lambda-rie', import.meta.url).pathname;
const BOOTSTRAP = new URL('../../src/cli/lambda-runtime/bootstrap.mjs', import.meta.url).pathname;
if (process.env.CI && !existsSync(RIE)) throw new Error(`no RIE at ${RIE}: CI must run \`npm run rie:build\` first`);
const collector = collectorAvailability();
const ENV = { FIXTURE_TOP_LEVEL_AWAIT: '1' };

interface Target {
  /** AWS_LAMBDA_RUNTIME_API of the function. */
  readonly api: string;
  invoke(event: unknown): Promise<string>;
  stop(): Promise<void>;
  /** What the RIE and the function wrote (the RIE only). */
  output?(): string;
}

/** The RIE on two free ports, started again on fresh ones when one was taken before it bound it. */
const startRie = (taskRoot: string, env: Record<string, string>): Promise<Target> =>
  onFreshPortsWhenTaken(() => startRieOnce(taskRoot, env));

async function startRieOnce(taskRoot: string, env: Record<string, string>): Promise<Target> {
  const [apiPort, riePort] = [await freePort(), await freePort()];
  const api = `127.0.0.1:${apiPort}`;
  const child = spawn(
    RIE,
    ['--runtime-api-address', api, '--runtime-interface-emulator-address', `127.0.0.1:${riePort}`, process.execPath, BOOTSTRAP],
    {
      cwd: taskRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH,
        _HANDLER: 'index.handler',
        LAMBDA_TASK_ROOT: taskRoot,
        AWS_LAMBDA_FUNCTION_NAME: 'conformance',
        ...env,
      },
    },
  );
  let output = '';
  for (const stream of [child.stdout!, child.stderr!]) stream.setEncoding('utf8').on('data', (text: string) => (output += text));
  let exit: number | string | undefined;
  child.on('exit', (code, signal) => (exit = code ?? signal ?? 'unknown'));
  const url = `http://127.0.0.1:${riePort}/2015-03-31/functions/function/invocations`;
  // Ready once it accepts connections (any HTTP request to it would be an invocation); an RIE that exited
  // (a port taken meanwhile: "address already in use") or never listens fails here, not in a later fetch.
  const deadline = Date.now() + 30_000;
  while (!(await accepts(riePort))) {
    if (exit !== undefined) throw new Error(`the RIE exited (${exit}) at start:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the RIE did not listen on ${riePort} within 30 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    api,
    output: () => output,
    invoke: async (event) => (await fetch(url, { method: 'POST', body: JSON.stringify(event) })).text(),
    stop: async () => {
      // The RIE starts the runtime in a process group of its own: end it first, then the RIE.
      // (None left when the RIE already reset it: pgrep then exits 1.)
      const runtimes = (() => {
        try {
          return execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' });
        } catch {
          return '';
        }
      })()
        .split('\n')
        .filter(Boolean);
      for (const pid of runtimes) process.kill(Number(pid), 'SIGKILL');
      process.kill(child.pid!, 'SIGKILL');
    },
  };
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });

async function startOurs(taskRoot: string, env: Record<string, string>): Promise<Target> {
  const lambda = await RuntimeApiServer.start({ taskRoot, handler: 'index.handler', functionName: 'conformance', env });
  return {
    api: lambda.address,
    invoke: async (event) => (await lambda.invoke(event)).payload,
    stop: () => lambda.stop({ graceful: false }),
  };
}

async function call(api: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const response = await fetch(`http://${api}/2020-01-01/extension${path}`, { method, headers, body });
  const text = await response.text();
  const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  return { status: response.status, id: response.headers.get('lambda-extension-identifier') ?? '', body: parsed };
}

/** One conversation: every answer as status + errorType + errorMessage (ids masked), INVOKE as its keys. */
async function transcript(target: Target, gate: InitGate): Promise<string[]> {
  const lines: string[] = [];
  const note = (label: string, answer: { status: number; body: Record<string, unknown> }) =>
    lines.push(
      `${label}: ${answer.status} ${String(answer.body.errorType ?? '')} ${String(answer.body.errorMessage ?? '').replace(/[0-9a-f-]{36}/g, '<id>')}`,
    );
  const register = (name: string, events: string[]) =>
    call(target.api, 'POST', '/register', { 'Lambda-Extension-Name': name }, JSON.stringify({ events }));
  const next = (id: string) => call(target.api, 'GET', '/event/next', { 'Lambda-Extension-Identifier': id });

  const invoked = target.invoke({ i: 1 }); // starts the function; its init waits at the gate
  await gate.reached;
  note('register SHUTDOWN', await register('conformance-shutdown', ['SHUTDOWN']));
  note('register unknown event', await register('conformance-bad', ['BOGUS']));
  note('register empty name', await register('', ['INVOKE']));
  const ours = await register('conformance-ext', ['INVOKE']);
  lines.push(`register: ${ours.status} ${Object.keys(ours.body).sort().join(',')}`);
  note('register same name', await register('conformance-ext', ['INVOKE']));
  note('next unknown id', await next('4f0e1c3a-0000-4000-8000-000000000000'));
  note('next no id', await call(target.api, 'GET', '/event/next', {}));
  gate.open(); // the init ends; the runtime's first /next closes registration
  const event = await next(ours.id);
  lines.push(`INVOKE: ${event.status} ${Object.keys(event.body).sort().join(',')} ${String(event.body.eventType)}`);
  const parked = next(ours.id); // done with the event: the invocation may end
  lines.push(`response: ${await invoked}`);
  note('next while one is pending', await next(ours.id));
  note('register after the runtime asked', await register('conformance-late', ['INVOKE']));
  // POST /exit/error (what the library reports once its /event/next keeps failing): then no more events.
  const exitError = (id: string, type?: string) =>
    call(target.api, 'POST', '/exit/error', {
      'Lambda-Extension-Identifier': id,
      ...(type && { 'Lambda-Extension-Function-Error-Type': type }),
    });
  note('exit/error without its type', await exitError(ours.id));
  note('exit/error unknown id', await exitError('4f0e1c3a-0000-4000-8000-000000000000', 'Extension.PollFailed'));
  note('exit/error', await exitError(ours.id, 'Extension.PollFailed'));
  note('next after exit/error', await next(ours.id));
  void parked.catch(() => {});
  return lines;
}

describe.skipIf(!existsSync(RIE))(
  `protocol conformance with AWS's Runtime Interface Emulator ${existsSync(RIE) ? '' : `(no ${RIE}: npm run rie:build)`}`,
  () => {
    let taskRoot: string;
    beforeAll(async () => {
      const artifact = await buildFixtureFunction('post-response');
      taskRoot = artifact.dir;
    }, 60_000);

    it('the same conversation gets the same answers from the RIE and from our emulator', async () => {
      const transcripts: string[][] = [];
      for (const start of [startRie, startOurs]) {
        const gate = await startInitGate();
        const env = { ...ENV, FIXTURE_INIT_GATE: gate.url, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_LOG_LEVEL: 'none' };
        const target = await start(taskRoot, env);
        try {
          transcripts.push(await transcript(target, gate));
        } finally {
          await target.stop();
          await gate.close();
        }
      }
      expect(transcripts[1]).toEqual(transcripts[0]);
      // And what they agree on is rapid's protocol.
      expect(transcripts[0]).toContain(
        'register SHUTDOWN: 403 Extension.InvalidEventType SHUTDOWN: ShutdownEventNotSupportedForInternalExtension',
      );
      expect(transcripts[0]).toContain(
        'register after the runtime asked: 403 Extension.RegistrationClosed Extension registration closed already',
      );
      expect(transcripts[0]).toContain('exit/error: 202  ');
    }, 120_000);

    it('exit/error does not release the invoke gate: the invoke phase ends at its deadline (a reset), on the RIE as on ours', async () => {
      const env = {
        ...ENV,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
        OTEL_LOG_LEVEL: 'none',
        FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false',
      };
      /** Takes the INVOKE event as an extension, then reports exit/error instead of asking for the next one. */
      const exitAfterInvoke = async (api: string, gate: InitGate) => {
        await gate.reached; // registered during the init, which waits at the gate
        const ours = await call(api, 'POST', '/register', { 'Lambda-Extension-Name': 'gate' }, JSON.stringify({ events: ['INVOKE'] }));
        gate.open();
        const headers = { 'Lambda-Extension-Identifier': ours.id };
        expect((await call(api, 'GET', '/event/next', headers)).body.eventType).toBe('INVOKE');
        const exit = await call(api, 'POST', '/exit/error', { ...headers, 'Lambda-Extension-Function-Error-Type': 'Extension.PollFailed' });
        expect(exit.status).toBe(202);
      };
      const rieGate = await startInitGate();
      const rie = await startRie(taskRoot, { ...env, FIXTURE_INIT_GATE: rieGate.url, AWS_LAMBDA_FUNCTION_TIMEOUT: '2' });
      try {
        const invoked = rie.invoke({ i: 1 });
        await exitAfterInvoke(rie.api, rieGate);
        // The RIE holds the caller's answer until the invoke phase ends: here, at the deadline.
        expect(await invoked).toMatch(/Task timed out after 2\.00 seconds/);
      } finally {
        await rie.stop();
        await rieGate.close();
      }
      const gate = await startInitGate();
      const lambda = await RuntimeApiServer.start({
        taskRoot,
        handler: 'index.handler',
        functionName: 'conformance',
        env: { ...env, FIXTURE_INIT_GATE: gate.url },
        timeoutMs: 2000,
      });
      try {
        const invoked = lambda.invoke({ i: 1 });
        await exitAfterInvoke(lambda.address, gate);
        expect((await invoked).status).toBe('success'); // ours answers the caller at /response, as Lambda does
        await lambda.idle();
        expect(lambda.extensions.exitErrors).toEqual(['Extension.PollFailed']);
        expect(lambda.extensionOverruns).toBe(1);
      } finally {
        await lambda.stop({ graceful: false });
        await gate.close();
      }
    }, 60_000);

    describe.skipIf(!collector.run)('the library under the RIE, against the real collector', () => {
      let running: RunningCollector;
      afterAll(async () => {
        await running?.stop();
      });

      it('50 invocations answered and every span and log delivered, the extension registered', async () => {
        running = await startCollector();
        const target = await startRie(taskRoot, { ...ENV, OTEL_EXPORTER_OTLP_ENDPOINT: running.endpoint });
        const payloads: string[] = [];
        try {
          for (let i = 0; i < 50; i++) payloads.push(await target.invoke({ i }));
          expect(target.output!()).toMatch(
            /Internal agent faas-observability-internal \([0-9a-f-]+\) registered, subscribed to \[INVOKE\]/,
          );
          expect(target.output!()).not.toContain('[faas-observability]');
        } finally {
          await target.stop();
        }
        const { spans, logs } = await running.stop();
        expect(payloads).toEqual(Array.from({ length: 50 }, (_, i) => JSON.stringify({ i })));
        expect(spans.filter((s) => s.attributes['faas.invocation_id'])).toHaveLength(50);
        expect(logs.filter((l) => String(l.body).startsWith('handling '))).toHaveLength(50);
      }, 120_000);
    });
  },
);
