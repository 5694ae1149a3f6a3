import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleInto, startCli, WRAPPED, writeInto } from '../helpers/invoke-cli.ts';
import { unpackedLayer } from '../helpers/lambda-layer.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';

// `faas-observability invoke` (src/cli/main.ts) on a user's own files, outside functions/: a project in a
// temporary folder with an ESM bundle, a CommonJS file, a nested Lambda-style path, a callback handler and a
// function that does not use the library, each run by the command as a user types it. How it fails when the
// function or the collector does: invoke-faults.test.ts.

let project: string;
const write = (path: string, text: string) => writeInto(project, path, text);
const bundle = (source: string, outfile: string, format: 'esm' | 'cjs') => bundleInto(project, source, outfile, format);
const invoke = (args: string[], stdin?: string, env: Record<string, string> = {}) => startCli(project, args, env, stdin).exited;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'invoke-user-'));
  write('package.json', JSON.stringify({ name: '@acme/orders', private: true, type: 'module' }));
  write('events/ada.json', JSON.stringify({ name: 'ada' }));
  await bundle(WRAPPED('the ESM bundle'), 'dist/index.mjs', 'esm');
  await bundle(WRAPPED('the CommonJS file'), 'legacy/handler.cjs', 'cjs');
  await bundle(
    `import { withObservability } from './src/lambda.ts';
export const routes = { get: withObservability(async () => { console.log('the nested export runs'); return 'nested'; }) };`,
    'src/api/app.js',
    'esm',
  );
  write(
    'callback/index.cjs',
    `exports.handler = (event, context, callback) => { console.log('no library here'); callback(null, { echoed: event }); };\n`,
  );
}, 60_000);
afterAll(() => rmSync(project, { recursive: true, force: true }));

describe('faas-observability invoke <your file>', () => {
  it('runs an ESM bundle with an event file, frozen between invocations, and prints the response, the span tree with its log line, and the metrics', async () => {
    const { code, stdout, stderr } = await invoke(['./dist/index.mjs', '--event', 'events/ada.json', '--times', '2']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^invoke: dist\/index\.handler \(task root .*\), event events\/ada\.json, 2×, timeout 3000 ms, telemetry to the embedded receiver$/m,
    );
    expect(stdout).toMatch(
      /^#1 success in [\d.]+ ms \(process 1\): \{"statusCode":200,"body":"\{\\"from\\":\\"the ESM bundle\\",\\"name\\":\\"ada\\"\}"\}$/m,
    );
    expect(stdout).toMatch(/^#2 success in [\d.]+ ms \(process 1\): /m);
    // The function's own output, echoed; then each invocation's trace: the span and, under it, its log line.
    expect(stdout).toMatch(/^ {2}│ .*\tINFO\tthe ESM bundle says hello to ada/m);
    expect(stdout).toMatch(
      /^trace [0-9a-f]{32} {2}acme-orders {2}1 span\(s\), 1 log line\(s\)\n└─ acme-orders {2}[\d.]+ ms {2}\[SERVER\] {2}\(cold start\)\n {5}INFO {2}the ESM bundle says hello to ada$/m,
    );
    expect(stdout).toMatch(/^ {2}faas\.invocations \{faas\.trigger=other\} +2$/m);
    expect(stdout).toContain('exported: 2 span(s) in 2 trace(s), 2 log record(s) (2 inside a span)');
    expect(stdout).toMatch(/^invocations: 2 success; cold starts: 1; freezes: 3$/m);
  }, 60_000);

  it('runs a CommonJS file with the event from stdin, under the name given', async () => {
    const { code, stdout } = await invoke(['legacy/handler.cjs', '--event', '-', '--name', 'legacy-orders', '--quiet'], '{"name":"grace"}');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#1 success .*"from\\":\\"the CommonJS file\\",\\"name\\":\\"grace\\"/m);
    expect(stdout).not.toContain('│');
    expect(stdout).toMatch(/^└─ legacy-orders .*\n {5}INFO {2}the CommonJS file says hello to grace$/m);
  }, 60_000);

  it("takes Lambda's own handler setting: a nested path and a nested export", async () => {
    const { code, stdout } = await invoke(['src/api/app.routes.get']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^invoke: src\/api\/app\.routes\.get /m);
    expect(stdout).toMatch(/^#1 success .*: "nested"$/m);
    expect(stdout).toMatch(/^ {5}INFO {2}the nested export runs$/m);
  }, 60_000);

  it('runs a callback handler that does not use the library, and says nothing was exported', async () => {
    const { code, stdout } = await invoke(['callback/index.cjs', '--event', 'events/ada.json']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#1 success .*: \{"echoed":\{"name":"ada"\}\}$/m);
    expect(stdout).toContain('nothing exported before the freeze: does the function use faas-observability');
  }, 60_000);

  it('with --endpoint, sends the telemetry on to that collector as well as showing it', async () => {
    const collector = await startOtlpReceiver();
    const { code, stdout } = await invoke(['dist/index.mjs', '--endpoint', collector.url, '--quiet']);
    await collector.close();
    expect(code).toBe(0);
    expect(stdout).toContain(`telemetry to ${collector.url} (and shown here)`);
    expect(stdout).toMatch(/export requests: 3 200$/m);
    expect(collector.spans.map((s) => s.resource['service.name'])).toEqual(['acme-orders']);
    expect(collector.logs.map((l) => [l.body, l.spanId])).toEqual([['the ESM bundle says hello to nobody', collector.spans[0]!.spanId]]);
  }, 60_000);

  it("runs an unmodified function through the Lambda layer when the shell sets the layer's exec wrapper", async () => {
    const layer = await unpackedLayer();
    write(
      'plain/index.mjs',
      "export const handler = async (event) => { console.log('no import, layer only'); return { plain: true }; };\n",
    );
    const { code, stdout } = await invoke(['plain/index.mjs', '--quiet'], undefined, { AWS_LAMBDA_EXEC_WRAPPER: layer.wrapper });
    expect(code).toBe(0);
    expect(stdout).toMatch(/^#1 success .*: \{"plain":true\}$/m);
    expect(stdout).toMatch(/^└─ acme-orders .*\(cold start\)\n {5}INFO {2}no import, layer only$/m);
  }, 180_000);

  it("fails a wrong handler name with the runtime's own error, exit code 1", async () => {
    const { code, stdout } = await invoke(['./dist/index.mjs:nope']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^#1 init-error /m);
    expect(stdout).toContain(
      "the function's init failed, as it would on Lambda: Runtime.HandlerNotFound: dist/index.nope is undefined or not exported",
    );
    expect(stdout).toMatch(/^invocations: 1 init-error; cold starts: 1; freezes: 0$/m);
  }, 60_000);

  it.each([
    [['dist/missing.mjs'], 'no file for "dist/missing.mjs"'],
    [['dist/index.mjs', '--event', 'events/none.json'], 'cannot read the event file events/none.json: ENOENT'],
    [['dist/index.mjs', '--times', 'many'], '--times must be a whole number from 1 to 10000, got "many"'],
    [['dist/index.mjs', '--endpoint', 'collector:4318'], '--endpoint must be an http(s) URL, got "collector:4318"'],
    [[], 'which function? give the path of its file'],
  ])('bad input %j: a clear error and exit code 2', async (args, message) => {
    const { code, stderr } = await invoke(args);
    expect(code).toBe(2);
    expect(stderr).toContain(`faas-observability: ${message}`);
  });
});
