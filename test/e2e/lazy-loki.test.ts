import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildArtifact, findFunctions, type Artifact } from '../../tools/build-artifacts.ts';
import { closedEndpoint } from '../../tools/loopback.ts';
import { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { eventually, queryLogs, realStackAvailability, useRealLogStore } from '../helpers/real-stack.ts';
import { buildExampleFunction } from '../helpers/build-function.ts';

const availability = realStackAvailability(['victoria-logs']);
const event = JSON.parse(readFileSync(new URL('../../functions/orders-api/events/event.json', import.meta.url), 'utf8'));
const LOKI_SOURCES = /src\/exporters\/loki\//;

/** A module hook (preloaded with --import) that appends the URL of every module the process loads to a file. */
function moduleLog(dir: string): { nodeOptions: string; loaded: () => string[] } {
  const log = join(dir, 'loaded.txt');
  const hooks = join(dir, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); } });
`,
  );
  writeFileSync(log, '');
  return { nodeOptions: `--import ${pathToFileURL(hooks).href}`, loaded: () => readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

/** The Loki chunk of a split artifact: the one code file built from src/exporters/loki/. */
function lokiChunk(artifact: Artifact): string {
  const meta = JSON.parse(readFileSync(join(artifact.dir, 'meta.json'), 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const files = Object.entries(meta.outputs)
    .filter(([file, output]) => file.endsWith('.mjs') && Object.keys(output.inputs).some((input) => LOKI_SOURCES.test(input)))
    .map(([file]) => file.split('/').pop()!);
  expect(files).toHaveLength(1);
  return files[0]!;
}

/** Runs orders-api under the freeze harness with a dead collector; returns its output and the modules it loaded. */
async function runWithDeadCollector(artifact: Pick<Artifact, 'dir'>, env: Record<string, string>, invocations = 2) {
  const modules = moduleLog(mkdtempSync(join(tmpdir(), 'modules-')));
  const lambda = await RuntimeApiServer.start({
    taskRoot: artifact.dir,
    handler: 'index.handler',
    functionName: 'orders-api',
    timeoutMs: 10_000,
    env: {
      NODE_OPTIONS: modules.nodeOptions,
      OTEL_EXPORTER_OTLP_ENDPOINT: await closedEndpoint(),
      FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000',
      ...env,
    },
  });
  const results = [];
  for (let i = 0; i < invocations; i++) results.push(await lambda.invoke(event));
  await lambda.stop();
  const text = (stream: 'stdout' | 'stderr') =>
    lambda.output
      .filter((o) => o.stream === stream)
      .map((o) => o.text)
      .join('');
  const undelivered = text('stdout')
    .split('\n')
    .filter((line) => line.startsWith('{"undelivered_log_record":true'))
    .map((line) => JSON.parse(line) as { body: string });
  const fromArtifact = modules.loaded().filter((url) => url.startsWith(pathToFileURL(artifact.dir).href));
  return { results, stdout: text('stdout'), stderr: text('stderr'), undelivered, loaded: fromArtifact.map((url) => url.split('/').pop()!) };
}

describe('the Loki fallback is a chunk of its own: loaded when first needed, never by a cold start', () => {
  let artifact: Artifact;
  beforeAll(async () => {
    artifact = await buildExampleFunction('orders-api');
  }, 60_000);

  it('the files a cold start loads hold no Loki code; the Loki chunk is among the lazy files', () => {
    const meta = JSON.parse(readFileSync(join(artifact.dir, 'meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown> }>;
    };
    const inputsOf = (file: string) => Object.keys(Object.entries(meta.outputs).find(([path]) => path.endsWith(`/${file}`))![1].inputs);
    const coldInputs = artifact.coldStartFiles.flatMap(inputsOf);
    expect(coldInputs.some((input) => input.includes('src/core/invocation.ts'))).toBe(true);
    expect(coldInputs.filter((input) => LOKI_SOURCES.test(input))).toEqual([]);
    expect(artifact.lazyFiles).toContain(lokiChunk(artifact));
    expect(artifact.bytes).toBeLessThan(artifact.totalBytes);
    // The zip holds the chunk: a deploy of the zip can load it.
    expect(readFileSync(artifact.zip).includes(Buffer.from(lokiChunk(artifact)))).toBe(true);
  });

  it('not configured: the chunk is never loaded, the records go to stdout', async () => {
    const run = await runWithDeadCollector(artifact, {});
    expect(run.results.every((r) => r.status === 'success')).toBe(true);
    expect(run.loaded).toContain('index.mjs');
    expect(run.loaded).not.toContain(lokiChunk(artifact));
    expect(run.undelivered.filter((r) => r.body.startsWith('handling '))).toHaveLength(2);
  }, 60_000);

  it('configured, and the chunk is missing from the deploy: a diagnostic says so, every record reaches stdout', async () => {
    const broken = mkdtempSync(join(tmpdir(), 'dist-'));
    const copy = await buildArtifact(findFunctions(['orders-api'])[0]!, broken);
    rmSync(join(copy.dir, lokiChunk(copy)));
    const run = await runWithDeadCollector(copy, { FAAS_OBSERVABILITY_LOKI_URL: await closedEndpoint() });
    expect(run.results.every((r) => r.status === 'success')).toBe(true);
    expect(run.stderr).toMatch(/fallback: the Loki fallback could not be loaded: .*loki-push-/);
    expect(run.undelivered.filter((r) => r.body.startsWith('handling '))).toHaveLength(2);
  }, 60_000);

  describe.skipIf(!availability.run)('configured, with a real log store behind the Loki push API (VictoriaLogs)', () => {
    const logStore = useRealLogStore();

    it('the first failed OTLP export loads the chunk within the flush and the records are in the log store, none on stdout', async () => {
      const run = await runWithDeadCollector(artifact, { FAAS_OBSERVABILITY_LOKI_URL: logStore.lokiUrl });
      expect(run.results.every((r) => r.status === 'success')).toBe(true);
      expect(run.loaded).toContain(lokiChunk(artifact));
      expect(run.undelivered).toEqual([]);
      const lines = await eventually(
        () => queryLogs(logStore.url, '{service_name="orders-api"} _msg:~"^handling "'),
        (found) => found.length >= 2,
      );
      expect(lines).toHaveLength(2);
    }, 120_000);

    it('bundled without code splitting (one file, the dynamic import inlined, as other bundlers do): the fallback works the same', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'one-file-'));
      const result = await build({
        entryPoints: ['functions/orders-api/handler.ts'],
        outfile: join(dir, 'index.mjs'),
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node22',
        metafile: true,
        logLevel: 'silent',
      });
      expect(Object.keys(result.metafile.outputs)).toEqual([expect.stringMatching(/index\.mjs$/)]);
      const run = await runWithDeadCollector({ dir }, { FAAS_OBSERVABILITY_LOKI_URL: logStore.lokiUrl, OTEL_SERVICE_NAME: 'one-file' });
      expect(run.results.every((r) => r.status === 'success')).toBe(true);
      expect(run.undelivered).toEqual([]);
      const lines = await eventually(
        () => queryLogs(logStore.url, '{service_name="one-file"} _msg:~"^handling "'),
        (found) => found.length >= 2,
      );
      expect(lines).toHaveLength(2);
    }, 120_000);
  });
});
