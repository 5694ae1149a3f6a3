import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVOKE_USAGE, parseInvokeOptions } from '../../src/cli/invoke-options.ts';

// `faas-observability invoke`'s options (src/cli/invoke-options.ts): what it refuses before it starts anything.

const root = mkdtempSync(join(tmpdir(), 'invoke-options-'));
writeFileSync(join(root, 'wrapper.sh'), '#!/bin/sh\nexec "$@"\n');
chmodSync(join(root, 'wrapper.sh'), 0o755);
writeFileSync(join(root, 'plain.txt'), 'not executable');
afterAll(() => rmSync(root, { recursive: true, force: true }));

const parse = (args: string[], shell: Record<string, string> = {}) =>
  parseInvokeOptions(['index.mjs', '--task-root', root, ...args], () => '{}', shell);

describe('parseInvokeOptions', () => {
  it("takes a timeout up to Lambda's 15 minutes, and refuses one past it (Node's timers overflow at 2^31-1 ms)", () => {
    expect(parse(['--timeout', '900000'])).toMatchObject({ timeoutMs: 900_000 });
    expect(parse(['--timeout', '900001'])).toBe(
      `--timeout must be a number of milliseconds from 100 to 900000 (Lambda's 15 minutes), got "900001"`,
    );
    expect(parse(['--timeout', '3000000000'])).toMatch(/^--timeout must be .* got "3000000000"$/);
  });

  it('refuses a task root that is not a folder', () => {
    expect(parseInvokeOptions(['index.mjs', '--task-root', join(root, 'nowhere')], () => '{}', {})).toBe(
      `--task-root ${join(root, 'nowhere')} is not a folder`,
    );
    expect(parseInvokeOptions(['index.mjs', '--task-root', join(root, 'plain.txt')], () => '{}', {})).toMatch(/is not a folder$/);
  });

  it('refuses an exec wrapper (from the shell or --env) that is missing or not executable', () => {
    expect(parse([], { AWS_LAMBDA_EXEC_WRAPPER: join(root, 'wrapper.sh') })).toMatchObject({ taskRoot: root });
    expect(parse(['--env', 'AWS_LAMBDA_EXEC_WRAPPER=./wrapper.sh'])).toMatchObject({ taskRoot: root });
    expect(parse([], { AWS_LAMBDA_EXEC_WRAPPER: '/opt/none' })).toBe('AWS_LAMBDA_EXEC_WRAPPER /opt/none does not exist');
    expect(parse(['--env', 'AWS_LAMBDA_EXEC_WRAPPER=./plain.txt'])).toBe(
      `AWS_LAMBDA_EXEC_WRAPPER ${join(root, 'plain.txt')} is not executable (chmod +x)`,
    );
    expect(parse([], { AWS_LAMBDA_EXEC_WRAPPER: root })).toBe(`AWS_LAMBDA_EXEC_WRAPPER ${root} is not a file`);
  });

  it('the usage says where <file> is looked for and what --name defaults to, as the code does', () => {
    expect(INVOKE_USAGE).toContain('relative to --task-root (default: the current folder)');
    expect(INVOKE_USAGE).toContain('OTEL_EXPORTER_OTLP_[TRACES_|LOGS_|METRICS_]ENDPOINT never do (use --endpoint)');
    expect(INVOKE_USAGE).toMatch(/--name <name> +AWS_LAMBDA_FUNCTION_NAME \(default: the "name" of the task root's package\.json/);
  });
});
