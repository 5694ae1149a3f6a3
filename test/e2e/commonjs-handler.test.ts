import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer, type FunctionConfig } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { createConsumerProject, recipe, type ConsumerProject } from '../helpers/consumer-project.ts';
import { startDelayProxy } from '../helpers/delay-proxy.ts';
import { startOtlpReceiver } from '../helpers/otlp-receiver.ts';
import { diagnosticLines } from '../helpers/sinks.ts';

// docs/how-it-works.md, "Registering in time": a CommonJS project (`"type": "commonjs"`, TypeScript's
// `nodenext` module) compiles the page's handler as shown, and runs it under the local Runtime API: with the
// page's preload the flush comes after every response; without it, when the registration loses the race,
// every invocation flushes before its response instead, nothing lost, one line said.

const DOC = readFileSync('docs/how-it-works.md', 'utf8');
const PRELOAD = { NODE_OPTIONS: '--import faas-observability/lambda/preload' };

let project: ConsumerProject;
beforeAll(() => {
  project = createConsumerProject({ type: 'commonjs' });
  project.write('tsconfig.json', recipe(DOC, 'commonjs-tsconfig'));
  project.write('src/handler.ts', recipe(DOC, 'commonjs-handler'));
  project.run('npx tsc -p .');
}, 120_000);
afterAll(() => project?.remove());

/** Ten invocations behind a collector answering in 50 ms: the results, and how many exports arrived before each response. */
async function run(config: Partial<FunctionConfig>) {
  const receiver = await startOtlpReceiver();
  const proxy = await startDelayProxy(receiver.url, 50);
  const lambda = await RuntimeApiServer.start({
    taskRoot: project.dir,
    handler: 'dist/handler.handler',
    functionName: 'orders-cjs',
    timeoutMs: 10_000,
    ...config,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: proxy.url, FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000', ...config.env },
  });
  const results = [];
  for (let i = 0; i < 10; i++) results.push(await lambda.invoke({ id: `o-${i}` }));
  await lambda.stop();
  await proxy.close();
  await receiver.close();
  const before = results.map(
    (r) => proxy.arrivals.filter((a) => a.arrivedAt > r.respondedAt - r.durationMs && a.arrivedAt < r.respondedAt).length,
  );
  const spanIds = receiver.spans.map((s) => s.attributes['faas.invocation_id']);
  return { lambda, results, before, spanIds, logs: receiver.logs.map((l) => String(l.body)) };
}

describe('a CommonJS handler, as docs/how-it-works.md shows it', () => {
  it('compiles to require() calls; the ESM form (a top-level await) does not compile there: TS1309', () => {
    expect(readFileSync(`${project.dir}/dist/handler.js`, 'utf8')).toContain('require("faas-observability/lambda")');
    project.write(
      'src/esm-form.ts',
      "import { startPostResponseFlush } from 'faas-observability/lambda';\nawait startPostResponseFlush();\n",
    );
    expect(() => project.run('npx tsc -p .')).toThrow(/TS1309/);
    project.run('rm src/esm-form.ts');
  }, 60_000);

  it('with the preload: registered although Lambda answers slowly; every export after its response', async () => {
    const r = await run({ env: PRELOAD, holdRegistrationMs: 300 });
    expect(r.results.every((result) => result.status === 'success')).toBe(true);
    expect(r.lambda.extensions.registrations).toEqual(['200']);
    expect(r.before).toEqual(r.results.map(() => 0));
    expect(new Set(r.spanIds)).toEqual(new Set(r.results.map((result) => result.requestId)));
    expect(r.logs.filter((body) => body.startsWith('order o-'))).toHaveLength(10);
    expect(diagnosticLines(r.lambda)).toEqual([]);
  }, 120_000);

  it('without it, a registration that loses the race: each flush before its response, nothing lost, one line', async () => {
    const r = await run({ holdRegistrationUntilRuntimeAsks: true });
    expect(r.results.every((result) => result.status === 'success')).toBe(true);
    expect(r.lambda.extensions.registrations).toEqual(['Extension.RegistrationClosed']);
    expect(r.before.every((n) => n > 0)).toBe(true);
    expect(new Set(r.spanIds)).toEqual(new Set(r.results.map((result) => result.requestId)));
    expect(diagnosticLines(r.lambda)).toEqual([expect.stringMatching(/flushing before each response: .*Extension\.RegistrationClosed/)]);
  }, 120_000);
});
