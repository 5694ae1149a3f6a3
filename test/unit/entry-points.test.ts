import { build } from 'esbuild';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importsOf, violation } from '../../tools/check-layers.ts';

const INSTALLED = Symbol.for('faas-observability.console-bridge');
const bridged = () => (console as unknown as Record<symbol, unknown>)[INSTALLED] !== undefined;

/** The source files an esbuild bundle of `code` (resolved from the repository root) takes in. */
async function bundleInputs(code: string): Promise<string[]> {
  const result = await build({
    stdin: { contents: code, resolveDir: process.cwd(), loader: 'ts' },
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

afterEach(() => {
  (console as unknown as Record<symbol, { uninstall(): void } | undefined>)[INSTALLED]?.uninstall();
  delete process.env.AWS_LAMBDA_RUNTIME_API;
});

describe('entry points and their side effects', () => {
  it('importing the root entry patches nothing, even on Lambda', async () => {
    process.env.AWS_LAMBDA_RUNTIME_API = '127.0.0.1:9001';
    vi.resetModules();
    const log = console.log;
    await import('../../src/index.ts');
    expect(console.log).toBe(log);
    expect(bridged()).toBe(false);
  });

  it('the root entry is types only: no handler wrapper (a third Lambda API without the init-log capture), no internals', async () => {
    expect(Object.keys(await import('../../src/index.ts'))).toEqual([]);
    // In a package, importing a function from the root fails at load and names what is missing.
    const bundled = await build({
      stdin: {
        contents: "import { withObservability } from './src/index.ts'; export default withObservability;",
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      write: false,
      logLevel: 'silent',
    }).catch((error: Error) => error);
    expect(String(bundled)).toMatch(/No matching export .* for import "withObservability"/);
  });

  it('importing the Lambda entry on Lambda starts the init-log capture (its one side effect)', async () => {
    process.env.AWS_LAMBDA_RUNTIME_API = '127.0.0.1:9001';
    vi.resetModules();
    await import('../../src/lambda.ts');
    expect(bridged()).toBe(true);
  });

  it('a bundler keeps the capture for the Lambda entry (sideEffects) and leaves it out of the root entry', async () => {
    const capture = 'src/lambda/capture-init-logs-at-import.ts';
    expect(
      await bundleInputs("import { withObservability } from './src/lambda.ts'; export const h = withObservability(async () => 1);"),
    ).toContain(capture);
    expect(
      await bundleInputs("import type { ObservabilityOptions } from './src/index.ts'; export const o: ObservabilityOptions = {};"),
    ).not.toContain(capture);
  });
});

describe('the layers of src/ (tools/check-layers.ts, run by npm run lint)', () => {
  it('finds no import that runs upward or sideways today', () => {
    const edges = importsOf(new URL('../../src', import.meta.url).pathname);
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.flatMap(([from, to]) => violation(from, to) ?? [])).toEqual([]);
  });

  it.each([
    ['core/invocation.ts', 'console/inspect.ts', /upward/],
    ['exporters/otlp/otlp-exporter.ts', 'core/telemetry.ts', /upward/],
    ['lambda/lambda-observability.ts', 'edge/detect-runtime.ts', /sideways/],
    ['console/console-bridge.ts', 'triggers/http.ts', /sideways/],
    ['lambda/for-each-record.ts', 'aws/message-attributes.ts', /sideways/],
    ['core/config/resolve-config.ts', 'aws/aws-otlp.ts', /upward/],
    ['index.ts', 'lambda.ts', /entry points/],
    ['lambda.ts', 'cli/invoke.ts', /sideways/],
    ['lambda/layer-handler.ts', 'cli/user-handler.ts', /upward/],
    ['exporters/otlp/otlp-exporter.ts', 'cli/otlp-read.ts', /upward/],
  ])('reports %s → %s', (from, to, message) => {
    expect(violation(from, to)).toMatch(message);
  });

  it.each([
    ['lambda/lambda-observability.ts', 'console/init-log-capture.ts'],
    ['triggers/lambda/sqs.ts', 'core/trigger.ts'],
    ['core/telemetry.ts', 'exporters/export-queue.ts'],
    ['aws/aws-client.ts', 'core/telemetry.ts'],
    ['aws/aws-otlp.ts', 'exporters/transport/transport.ts'],
    ['aws.ts', 'aws/aws-otlp.ts'],
    ['exporters/loki/loki-push.ts', 'exporters/transport/transport.ts'],
    ['lambda.ts', 'lambda/lambda-observability.ts'],
    ['cli/invoke.ts', 'cli/lambda-runtime/runtime-api-server.ts'],
    ['cli/otlp-read.ts', 'exporters/otlp/protobuf-writer.ts'],
  ])('allows %s → %s', (from, to) => {
    expect(violation(from, to)).toBeUndefined();
  });
});
