import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createLambdaObservability } from '../../src/lambda.ts';
import { freePort } from '../helpers/collector.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';

describe('npm run receiver', () => {
  it('listens on the given port and prints each trace with its log lines', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['tools/receiver.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    try {
      while (!output.includes('receiver: OTLP/HTTP protobuf and Loki push on')) await new Promise((r) => setTimeout(r, 20));
      const saved = console.log;
      console.log = () => {};
      const observability = createLambdaObservability({ endpoint: `http://127.0.0.1:${port}` }, LAMBDA_ENV);
      try {
        await observability.wrap(async (_event: unknown, _context: unknown) => {
          console.log('seen by the receiver');
        })({}, lambdaContext());
      } finally {
        await observability.shutdown();
        console.log = saved;
      }
      const deadline = Date.now() + 5000;
      while (!output.includes('seen by the receiver') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(output).toMatch(/trace [0-9a-f]{32}\s+orders-api\s+1 span\(s\), 1 log line\(s\)/);
      expect(output).toMatch(/└─ orders-api\s+[\d.]+ ms\s+\[SERVER\]\s+\(cold start\)\n\s+INFO\s+seen by the receiver/);
    } finally {
      child.kill();
    }
  });

  it('says so when the port is taken', async () => {
    const port = await freePort();
    const first = spawn(process.execPath, ['tools/receiver.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise((resolve) => first.stdout.once('data', resolve));
    const second = spawn(process.execPath, ['tools/receiver.ts', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    second.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise((resolve) => second.on('exit', resolve));
    first.kill();
    expect(code).toBe(2);
    expect(stderr).toContain(`receiver: cannot listen on 127.0.0.1:${port}: listen EADDRINUSE`);
  });
});
