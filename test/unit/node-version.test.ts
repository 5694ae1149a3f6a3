import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiagLogLevel } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createDiagnostics } from '../../src/core/diagnostics.ts';
import { MINIMUM_NODE, nodeTooOld, warnIfNodeTooOld } from '../../src/lambda/node-version.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';

const ROOT = join(import.meta.dirname, '../..');
const saved = { warn: console.warn, error: console.error, log: console.log };
const realVersion = Object.getOwnPropertyDescriptor(process, 'version')!;
afterEach(() => {
  Object.assign(console, saved);
  Object.defineProperty(process, 'version', realVersion);
});

describe('nodeTooOld', () => {
  it.each([
    ['v20.18.0', true],
    ['v22.14.0', true],
    ['v22.14.9', true],
    ['v21.99.99', true],
    ['v22.15.0', false],
    ['v22.15.1', false],
    ['v22.23.3', false],
    ['v24.0.0', false],
    ['22.15.0', false],
    ['v22.14.0-nightly20250301abc', true],
    ['v30.0.0', false],
  ])('%s against 22.15.0: %s', (running, tooOld) => {
    expect(nodeTooOld(running, '22.15.0')).toBe(tooOld);
  });

  it('a version it cannot read is not called too old', () => {
    expect(nodeTooOld('', '22.15.0')).toBe(false);
    expect(nodeTooOld('bun', '22.15.0')).toBe(false);
    expect(nodeTooOld('v20', '22.15.0')).toBe(false);
  });
});

describe('the supported Node versions', () => {
  it('MINIMUM_NODE is the minimum of package.json engines', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
  });

  it('every "Node ≥ x" in the README and docs/ says the minimum of engines', () => {
    const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => join('docs', name))].filter((f) => f.endsWith('.md'));
    const stated = files.flatMap((file) =>
      [...readFileSync(join(ROOT, file), 'utf8').matchAll(/Node(?:\.js)? ?(?:≥|>=) ?(\d+(?:\.\d+)*)/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(stated.length).toBeGreaterThanOrEqual(2);
    const minimum = MINIMUM_NODE.replace(/\.0$/, '');
    expect(stated.filter((entry) => !entry.endsWith(`: ${minimum}`))).toEqual([]);
  });
});

describe('the warning on a Node older than engines', () => {
  it('is written once, through the diagnostics, naming the running version, the minimum and what does not work', () => {
    const written: string[] = [];
    const record = (...args: unknown[]) => void written.push(args.map(String).join(' '));
    const diagnostics = createDiagnostics(DiagLogLevel.WARN, { error: record, warn: record, info: record, debug: record });
    warnIfNodeTooOld(diagnostics, 'v20.18.0');
    warnIfNodeTooOld(diagnostics, 'v20.18.0');
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('[faas-observability] warn Node v20.18.0 is older than 22.15.0');
    expect(written[0]).toContain('node:http(s) requests get no CLIENT span');
  });

  it('is not written on a supported Node', () => {
    const written: string[] = [];
    const record = (...args: unknown[]) => void written.push(args.map(String).join(' '));
    warnIfNodeTooOld(createDiagnostics(DiagLogLevel.WARN, { error: record, warn: record, info: record, debug: record }), 'v22.15.0');
    expect(written).toEqual([]);
  });

  it('a Lambda setup on an old Node writes it once on stderr, not through the patched console, across invocations', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    Object.defineProperty(process, 'version', { ...realVersion, value: 'v20.18.0' });
    const logs = new InMemoryLogRecordExporter();
    const observability = createLambdaObservability(
      { logExporter: logs, spanExporter: new InMemorySpanExporter(), metrics: false },
      LAMBDA_ENV,
    );
    Object.defineProperty(process, 'version', realVersion);
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => 'ok');
    await wrapped({}, lambdaContext());
    await wrapped({}, lambdaContext());
    await observability.shutdown();
    expect(written.filter((line) => line.includes('is older than'))).toEqual([
      expect.stringMatching(
        /^warn: \[faas-observability\] warn Node v20\.18\.0 is older than 22\.15\.0 \(engines\): node:http\(s\) requests get no CLIENT span/,
      ),
    ]);
    // A diagnostic never becomes a log record.
    expect(logs.getFinishedLogRecords().filter((r) => String(r.body).includes('older than'))).toEqual([]);
  });

  it('a Lambda setup on this Node (within engines) writes none', async () => {
    const { written, createLambdaObservability } = await loadWithRecordedConsole();
    const observability = createLambdaObservability(
      { logExporter: new InMemoryLogRecordExporter(), spanExporter: new InMemorySpanExporter(), metrics: false },
      LAMBDA_ENV,
    );
    await observability.shutdown();
    expect(nodeTooOld(process.version, MINIMUM_NODE)).toBe(false);
    expect(written.filter((line) => line.includes('is older than'))).toEqual([]);
  });
});
