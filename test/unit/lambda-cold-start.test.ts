import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const src = (file: string) => join(import.meta.dirname, '../../src', file);
let dir: string;
beforeAll(async () => {
  // Bundled as a deploy is (ESM, as bench/bundle.ts does): what a function imports at init.
  dir = mkdtempSync(join(tmpdir(), 'cold-start-'));
  writeFileSync(
    join(dir, 'entry.ts'),
    [
      `export { createLambdaObservability } from ${JSON.stringify(src('lambda.ts'))};`,
      `export { postWithNodeHttp } from ${JSON.stringify(src('exporters/transport/node-http-transport.ts'))};`,
      `export { callExtensionsApi } from ${JSON.stringify(src('lambda/extension-client.ts'))};`,
    ].join('\n'),
  );
  await build({
    entryPoints: [join(dir, 'entry.ts')],
    outfile: join(dir, 'bundle.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'error',
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// On Node 22 and 24 an ESM import of node:http builds the module's facade by reading every export, and its
// `WebSocket` getter loads undici: ~25 ms of cold start. The Lambda path loads node:http (exporter transport,
// extension client), node:zlib and node:worker_threads through process.getBuiltinModule instead.
const PROBE = `
const undici = () => process.moduleLoadList.some((name) => name.includes('undici'));
const loaded = () => process.moduleLoadList.filter((name) => /^NativeModule (zlib|worker_threads|http)$/.test(name));
const { createLambdaObservability, postWithNodeHttp, callExtensionsApi } = await import(process.argv[1]);
const report = { afterImport: { undici: undici(), loaded: loaded() } };
const server = process.getBuiltinModule('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => response.end());
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const host = '127.0.0.1:' + server.address().port;
const observability = createLambdaObservability({}, { AWS_LAMBDA_FUNCTION_NAME: 'probe', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://' + host });
const posted = await postWithNodeHttp({ url: 'http://' + host + '/v1/logs', body: new Uint8Array(3), headers: {}, timeoutMs: 2000, retryableStatuses: new Set() });
const answered = await callExtensionsApi(host, 'POST', '/register', {}, '{}');
report.afterRequests = { undici: undici(), posted: posted.status, answered: answered.status };
await observability.shutdown();
server.close();
console.log(JSON.stringify(report));
`;

describe('Lambda cold start: no module is loaded that the first invocation does not need', () => {
  it('importing the bundled Lambda entry loads neither node:http, zlib nor worker_threads, and exporting over node:http never loads undici', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE, join(dir, 'bundle.mjs')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, OTEL_LOG_LEVEL: 'none' },
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!);
    expect(report).toEqual({
      afterImport: { undici: false, loaded: [] },
      afterRequests: { undici: false, posted: 'success', answered: 200 },
    });
  });
});
