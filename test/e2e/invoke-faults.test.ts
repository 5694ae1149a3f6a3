import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedEndpoint } from '../../src/cli/loopback.ts';
import { RuntimeApiServer } from '../../src/cli/lambda-runtime/runtime-api-server.ts';
import { bundleInto, startCli, WRAPPED, writeInto } from '../helpers/invoke-cli.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

// `faas-observability invoke` (src/cli/main.ts) when things go wrong: a function that exits or hangs in its
// init, a wrapper that cannot start, a collector that is down, endpoints that would bypass the receiver, and
// the command itself interrupted. Each fails once, clearly, and leaves no process behind.

let project: string;
const write = (path: string, text: string) => writeInto(project, path, text);
const invoke = (args: string[], stdin?: string, env: Record<string, string> = {}) => startCli(project, args, env, stdin).exited;

/** Whether the process runs (or is stopped): not gone, and not a zombie waiting to be reaped. */
const alive = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'invoke-faults-'));
  write('package.json', JSON.stringify({ name: '@acme/orders', private: true, type: 'module' }));
  await bundleInto(project, WRAPPED('the ESM bundle'), 'dist/index.mjs', 'esm');
}, 60_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('faas-observability invoke, when the function or the collector fails', () => {
  it.each([
    ['a module that exits at load', 'exit/index.mjs', {}, 'Runtime.ExitError: Runtime exited with error: exit status 3'],
    ['a module with a syntax error', 'syntax/index.mjs', {}, "Runtime.UserCodeSyntaxError: SyntaxError: Unexpected token ';'"],
    [
      'a module that requires a missing one',
      'missing/index.cjs',
      {},
      "Runtime.ImportModuleError: Error: Cannot find module 'no-such-package'",
    ],
    [
      'a wrapper without exec "$@"',
      'wrapped/index.mjs',
      { AWS_LAMBDA_EXEC_WRAPPER: './no-exec.sh' },
      'Runtime.ExitError: Runtime exited without providing a reason',
    ],
  ])(
    'fails %s once with the init error Lambda gives, and does not start it again',
    async (_what, file, env, message) => {
      write('exit/index.mjs', "process.exit(3);\nexport const handler = async () => 'never';\n");
      write('syntax/index.mjs', 'export const handler = ;\n');
      write('missing/index.cjs', "require('no-such-package');\nexports.handler = async () => 'never';\n");
      write('wrapped/index.mjs', 'export const handler = async () => ({ wrapped: true });\n');
      write('no-exec.sh', '#!/bin/sh\necho "the wrapper forgot to exec"\n');
      chmodSync(join(project, 'no-exec.sh'), 0o755);
      const { code, stdout } = await invoke([file, '--times', '3'], undefined, env);
      expect(code).toBe(1);
      expect(stdout).toMatch(/^#1 init-error /m);
      expect(stdout).toContain(`the function's init failed, as it would on Lambda: ${message}`);
      expect(stdout).toMatch(/^invocations: 1 init-error; cold starts: 1; freezes: 0$/m);
    },
    60_000,
  );

  it("kills a module that never finishes loading at Lambda's init cap plus the timeout, and says so", async () => {
    write('stuck/index.mjs', "await new Promise(() => setInterval(() => {}, 1000));\nexport const handler = async () => 'never';\n");
    const { code, stdout } = await invoke(['stuck/index.mjs', '--timeout', '100']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      "the function's init failed, as it would on Lambda: Sandbox.Timedout: Task timed out after 10.10 seconds: the init did not finish",
    );
  }, 60_000);

  it('shows what the function exported when the --endpoint collector is down, and why it was not delivered', async () => {
    const { code, stdout } = await invoke(['dist/index.mjs', '--endpoint', await closedEndpoint(), '--quiet']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^└─ acme-orders .*\n {5}INFO {2}the ESM bundle says hello to nobody$/m);
    expect(stdout).toContain('exported: 1 span(s) in 1 trace(s), 1 log record(s) (1 inside a span)');
    expect(stdout).toMatch(/export requests: \d+ not delivered: connect ECONNREFUSED/);
  }, 60_000);

  it('keeps per-signal OTLP endpoints of the shell and --env from bypassing the receiver, and says so', async () => {
    const elsewhere = await startOtlpReceiver();
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${elsewhere.url}/v1/traces` };
    const { code, stdout } = await invoke(
      ['dist/index.mjs', '--quiet', '--env', `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=${elsewhere.url}/v1/logs`],
      '',
      env,
    );
    await elsewhere.close();
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ignored: .*OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.* \(they would bypass the receiver: use --endpoint\)$/m);
    expect(stdout).toMatch(/^ignored: .*OTEL_EXPORTER_OTLP_LOGS_ENDPOINT/m);
    expect(stdout).toContain('exported: 1 span(s) in 1 trace(s), 1 log record(s)');
    expect([...elsewhere.spans, ...elsewhere.logs]).toEqual([]);
  }, 60_000);

  it.each([
    ['SIGINT', 130, 'while the handler runs', 'setInterval(() => {}, 1000)'],
    ['SIGTERM', 143, 'while the function is stopped', "setTimeout(() => process.kill(process.pid, 'SIGSTOP'), 200)"],
  ] as const)(
    "%s (exit code %i) %s: kills the function's process",
    async (signal, exitCode, _when, then) => {
      write(`hang/${signal}.mjs`, `export const handler = () => new Promise(() => { console.log('pid', process.pid); ${then}; });\n`);
      const run = startCli(project, [`hang/${signal}.mjs`, '--timeout', '60000']);
      const pid = await new Promise<number>((resolve) => {
        const check = () => {
          const found = /\tpid (\d+)$/m.exec(run.stdout());
          if (found) resolve(Number(found[1]));
          else setTimeout(check, 50);
        };
        check();
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        run.child.kill(signal);
        const { code } = await run.exited;
        expect(code).toBe(exitCode);
        expect(alive(pid)).toBe(false);
      } finally {
        if (alive(pid)) process.kill(pid, 'SIGKILL');
      }
    },
    60_000,
  );
});

describe('the Runtime API emulator, when the function cannot start', () => {
  it.each([
    [
      'a missing wrapper',
      () => ({ taskRoot: project, env: { AWS_LAMBDA_EXEC_WRAPPER: join(project, 'none.sh') } }),
      /none\.sh does not exist/,
    ],
    [
      'a wrapper that is not executable',
      () => ({ taskRoot: project, env: { AWS_LAMBDA_EXEC_WRAPPER: join(project, 'package.json') } }),
      /package\.json is not an executable file/,
    ],
    ['a missing task root', () => ({ taskRoot: join(project, 'nowhere') }), /the task root .*nowhere does not exist/],
  ])('%s: an init error (Runtime.InvalidEntrypoint), not a crash of the caller', async (_what, config, message) => {
    const lambda = await RuntimeApiServer.start({ handler: 'dist/index.handler', ...config() });
    const result = await lambda.invoke({});
    await lambda.stop();
    expect(result.status).toBe('init-error');
    const payload = JSON.parse(result.payload) as { errorType: string; errorMessage: string };
    expect(payload.errorType).toBe('Runtime.InvalidEntrypoint');
    expect(payload.errorMessage).toMatch(message);
  });
});
