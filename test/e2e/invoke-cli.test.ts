import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';

const availability = collectorAvailability();

function runInvoke(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Each run builds into a folder of its own: a second suite running beside this one must not rebuild it.
    const out = ['--out', mkdtempSync(join(tmpdir(), 'invoke-'))];
    const child = spawn(process.execPath, ['tools/invoke.ts', ...args, ...out], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: { PATH: process.env.PATH },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm run invoke', () => {
  it.skipIf(!availability.run)(
    'builds a function, runs it frozen under the Runtime API against the real collector, and reports what arrived',
    async () => {
      const collector = await startCollector();
      const { code, stdout } = await runInvoke(['orders-api', '--times', '3', '--endpoint', collector.endpoint, '--quiet']);
      const received = await collector.stop();
      expect(code).toBe(0);
      expect(stdout).toMatch(/^#1 success in [\d.]+ ms \(process 1\): \{"statusCode":200/m);
      expect(stdout).toContain('exported: 6 span(s) in 1 trace(s), 7 log record(s) (6 inside a span)');
      expect(stdout).toContain('invocations: 3 success; cold starts: 1; freezes: 4'); // the end of init, then one after each invocation
      expect(received.spans.filter((s) => s.attributes['faas.invocation_id'])).toHaveLength(3);
      expect(received.logs).toHaveLength(7);
    },
    60_000,
  );

  it('names the functions there are when the one asked for does not exist', async () => {
    const { code, stderr } = await runInvoke(['no-such-function']);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^invoke: no function "no-such-function" \(looked for functions\/no-such-function\/handler.ts\); there are: .*orders-api.*sqs-consumer/,
    );
  });

  it.each([
    [['orders-api', '--times', 'many'], 'invoke: --times must be a whole number from 1 to 10000, got "many"'],
    [['orders-api', '--endpoint', 'collector:4318'], 'invoke: --endpoint must be an http(s) URL, got "collector:4318"'],
    [['orders-api', '--event', 'nope.json'], 'invoke: no event file at nope.json'],
    [['orders-api', '--bogus'], "invoke: Unknown option '--bogus'"],
  ])('bad input %j gets a clear error', async (args, message) => {
    const { code, stderr } = await runInvoke(args);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });
});
