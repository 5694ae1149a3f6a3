import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';

const LISTENING = /receiver: OTLP\/HTTP protobuf and Loki push on (http:\/\/127\.0\.0\.1:(\d+))/;

interface ReceiverCli {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  output(): string;
}

/**
 * Starts `npm run receiver` and resolves once it printed where it listens. Port 0 lets it bind a free port
 * itself (a port picked free here and bound later by the child could be taken meanwhile); it fails at once,
 * with its stderr, if the receiver exits instead.
 */
function startReceiverCli(port: number): Promise<ReceiverCli> {
  const child = spawn(process.execPath, ['tools/receiver.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`the receiver exited (${code}) before it listened: ${stderr}`)));
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const listening = LISTENING.exec(output);
      if (listening) resolve({ child, url: listening[1]!, port: Number(listening[2]), output: () => output });
    });
  });
}

describe('npm run receiver', () => {
  it('listens on the given port and prints each trace with its log lines', async () => {
    const receiver = await startReceiverCli(0);
    const printed = new Promise<void>((resolve) =>
      receiver.child.stdout!.on('data', () => receiver.output().includes('seen by the receiver') && resolve()),
    );
    try {
      const saved = console.log;
      console.log = () => {};
      const observability = createLambdaObservability({ endpoint: receiver.url }, LAMBDA_ENV);
      try {
        await observability.wrap(async (_event: unknown, _context: unknown) => {
          console.log('seen by the receiver');
        })({}, lambdaContext());
      } finally {
        await observability.shutdown();
        console.log = saved;
      }
      // The receiver prints once a burst of exports has settled: wait for that print, not for a time.
      await printed;
      expect(receiver.output()).toMatch(/trace [0-9a-f]{32}\s+orders-api\s+1 span\(s\), 1 log line\(s\)/);
      expect(receiver.output()).toMatch(/└─ orders-api\s+[\d.]+ ms\s+\[SERVER\]\s+\(cold start\)\n\s+INFO\s+seen by the receiver/);
    } finally {
      receiver.child.kill();
    }
  });

  it('says so when the port is taken', async () => {
    const first = await startReceiverCli(0);
    try {
      const second = spawn(process.execPath, ['tools/receiver.ts', '--port', String(first.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      second.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const code = await new Promise((resolve) => second.on('exit', resolve));
      expect(code).toBe(2);
      expect(stderr).toContain(`receiver: cannot listen on 127.0.0.1:${first.port}: listen EADDRINUSE`);
    } finally {
      first.child.kill();
    }
  });
});
