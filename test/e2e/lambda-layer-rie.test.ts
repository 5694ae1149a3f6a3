import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../tools/loopback.ts';
import { taskRootOf, unpackedLayer } from '../helpers/lambda-layer.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

// The layer under AWS's Runtime Interface Emulator (the rapid state machine Lambda runs, built by
// tools/rie-build.sh): the RIE runs the command it is given, so the wrapper is put in front of the runtime
// client as the managed runtime's bootstrap does with AWS_LAMBDA_EXEC_WRAPPER. The RIE holds the caller's
// answer until the invoke phase ends (the extensions asked again): the span is at the receiver by then.

const RIE = new URL('../../.cache/rie/aws-lambda-rie', import.meta.url).pathname;
const BOOTSTRAP = new URL('../../src/cli/lambda-runtime/bootstrap.mjs', import.meta.url).pathname;

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    }).on('error', () => resolve(false));
  });

describe.skipIf(!existsSync(RIE))('the layer under the Runtime Interface Emulator', () => {
  it('an unmodified function: the same response, its span and correlated log line at the receiver', async () => {
    const [layer, taskRoot, receiver] = await Promise.all([unpackedLayer(), taskRootOf('esm'), startOtlpReceiver()]);
    const [apiPort, riePort] = [await freePort(), await freePort()];
    const child = spawn(
      RIE,
      [
        '--runtime-api-address',
        `127.0.0.1:${apiPort}`,
        '--runtime-interface-emulator-address',
        `127.0.0.1:${riePort}`,
        layer.wrapper,
        process.execPath,
        BOOTSTRAP,
      ],
      {
        cwd: taskRoot,
        detached: true,
        stdio: 'ignore',
        env: {
          PATH: process.env.PATH,
          _HANDLER: 'index.handler',
          LAMBDA_TASK_ROOT: taskRoot,
          AWS_LAMBDA_FUNCTION_NAME: 'layered',
          OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        },
      },
    );
    try {
      for (let tries = 0; !(await accepts(riePort)); tries++) {
        if (tries > 300) throw new Error('the RIE did not listen');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = `http://127.0.0.1:${riePort}/2015-03-31/functions/function/invocations`;
      const answer = await (await fetch(url, { method: 'POST', body: JSON.stringify({ i: 1 }) })).text();
      expect(JSON.parse(answer)).toEqual({ statusCode: 200, body: JSON.stringify({ shape: 'esm', event: { i: 1 } }) });
      expect(receiver.spans).toHaveLength(1);
      const span = receiver.spans[0]!;
      const line = receiver.logs.find((l) => String(l.body).startsWith('handling '));
      expect([line?.traceId, line?.spanId]).toEqual([span.traceId, span.spanId]);
      // The init line of the function's module, captured by the layer before the function's code ran.
      expect(receiver.logs.map((l) => l.body)).toContain('esm init');
    } finally {
      // The RIE starts the runtime in a process group of its own: end it first, then the RIE.
      const runtimes = spawnSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
      for (const pid of runtimes) process.kill(Number(pid), 'SIGKILL');
      child.kill('SIGKILL');
      await receiver.close();
    }
  }, 120_000);
});
