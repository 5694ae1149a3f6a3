/**
 * npm run check:package — what a user installs, checked the way a user uses it:
 * 1. `npm pack` holds the compiled library, its declarations, README, the docs/ pages it links to, LICENSE
 *    (every relative link resolving inside the package) — and no tests, fixtures,
 *    sources of tools, or caches;
 * 2. publint and @arethetypeswrong/cli (ESM-only profile) pass on the package;
 * 3. a fresh project installs the tarball, bundles a Lambda handler and a Worker with esbuild, and both
 *    export their spans and logs to a loopback receiver; importing a function from the root entry fails;
 * 4. `npx faas-observability invoke` runs the project's own handler file and prints what it exported.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brokenLinks } from './doc-links.ts';
import { startLocalReceiver } from './receiver.ts';

const ROOT = resolve(import.meta.dirname, '..');
const PATH = `${join(ROOT, 'node_modules/.bin')}:${process.env.PATH}`;
const results: [string, boolean, string][] = [];
const check = (name: string, ok: boolean, detail = '') => {
  results.push([name, ok, detail]);
  console.log(ok ? `ok   ${name}` : `FAIL ${name}${detail ? ` — ${detail}` : ''}`);
};
const run = (command: string, args: string[], cwd: string) =>
  spawnSync(command, args, { cwd, encoding: 'utf8', env: { ...process.env, PATH } });

// 1. The tarball.
const work = mkdtempSync(join(tmpdir(), 'package-check-'));
const packed = JSON.parse(
  execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH } }),
);
const files: string[] = packed[0].files.map((f: { path: string }) => f.path);
const tarball = join(work, packed[0].filename);
const stray = files.filter(
  (f) =>
    !/^(lib\/.+\.(js|d\.ts|js\.map|d\.ts\.map)|src\/.+\.ts|(lib|src)\/cli\/lambda-runtime\/bootstrap\.mjs|docs\/[^/]+\.md|README\.md|CONTRIBUTING\.md|CHANGELOG\.md|LICENSE|package\.json)$/.test(
      f,
    ),
);
check(
  'the tarball holds only lib/, src/ (what the source maps point at, and the plain-JS runtime client of `invoke`), docs/*.md, README.md, CONTRIBUTING.md, CHANGELOG.md, LICENSE and package.json',
  stray.length === 0,
  stray.slice(0, 5).join(', '),
);
// The registry shows the README: every relative link of it and of the docs/ pages it leads to (files and
// #anchors) resolves inside the package. CONTRIBUTING.md ships because the README links to it; its own links
// are for readers of a clone.
const userDocs = files.filter((f) => f === 'README.md' || /^docs\/[^/]+\.md$/.test(f));
const deadLinks = brokenLinks(
  Object.fromEntries(userDocs.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')])),
  (path) => files.includes(path),
  (path) => (files.includes(path) ? readFileSync(join(ROOT, path), 'utf8') : undefined),
);
check(
  'every relative link of the README and docs/*.md resolves inside the tarball',
  userDocs.length > 1 && deadLinks.length === 0,
  deadLinks.map((link) => `${link.file}:${link.line} ${link.target} (${link.reason})`).join(', '),
);
// Source maps and declaration maps resolve to files the package holds (an unshipped src/ leaves them dangling).
const dangling = files
  .filter((f) => f.endsWith('.map'))
  .flatMap((map) => {
    const { sources } = JSON.parse(readFileSync(join(ROOT, map), 'utf8')) as { sources: string[] };
    return sources.map((source) => join(map, '..', source)).filter((source) => !files.includes(source));
  });
check('every source map points at a file in the tarball', dangling.length === 0, dangling.slice(0, 5).join(', '));
check(
  'the tarball has every entry point',
  ['lib/index.js', 'lib/lambda.js', 'lib/edge.js', 'lib/aws.js', 'lib/loki.js', 'lib/exporters/index.js', 'lib/lambda.d.ts'].every((f) =>
    files.includes(f),
  ),
);
check(
  'the tarball has the command line and the runtime client it spawns',
  ['lib/cli/main.js', 'lib/cli/lambda-runtime/bootstrap.mjs'].every((f) => files.includes(f)),
);

// 2. Lints of the package itself.
const publint = run('publint', ['--strict'], ROOT);
check('publint', publint.status === 0, publint.status === 0 ? '' : publint.stdout + publint.stderr);
const attw = run('attw', [tarball, '--profile', 'esm-only'], ROOT);
check('are the types wrong (ESM-only profile)', attw.status === 0, attw.status === 0 ? '' : attw.stdout.slice(-800));

// 3. A consumer project.
const consumer = join(work, 'consumer');
mkdirSync(consumer);
writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
const esbuildVersion = JSON.parse(
  execFileSync('npm', ['ls', 'esbuild', '--json', '--depth=0'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH } }),
).dependencies.esbuild.version;
const install = run('npm', ['install', '--no-audit', '--no-fund', tarball, `esbuild@${esbuildVersion}`], consumer);
check('a fresh project installs the tarball', install.status === 0, install.status === 0 ? '' : install.stderr.slice(-800));
writeFileSync(
  join(consumer, 'lambda.mjs'),
  `import { withObservability } from 'faas-observability/lambda';
export const handler = withObservability(async (event) => { console.log('consumer lambda', event.n); return { statusCode: 200 }; });\n`,
);
writeFileSync(
  join(consumer, 'worker.mjs'),
  `import { withObservability } from 'faas-observability/edge';
export default withObservability({ async fetch(request, env, ctx) { console.log('consumer worker'); return new Response('ok'); } }, (env) => ({ endpoint: env.ENDPOINT }));\n`,
);
const bundleLambda = run(
  join(consumer, 'node_modules/.bin/esbuild'),
  ['lambda.mjs', '--bundle', '--platform=node', '--format=esm', '--target=node22', '--minify', '--outfile=dist/lambda.mjs'],
  consumer,
);
const bundleWorker = run(
  join(consumer, 'node_modules/.bin/esbuild'),
  [
    'worker.mjs',
    '--bundle',
    '--platform=browser',
    '--conditions=worker,browser',
    '--format=esm',
    '--external:node:async_hooks',
    '--minify',
    '--outfile=dist/worker.mjs',
  ],
  consumer,
);
check(
  'esbuild bundles the Lambda handler and the Worker',
  bundleLambda.status === 0 && bundleWorker.status === 0,
  (bundleLambda.stderr + bundleWorker.stderr).slice(-600),
);
// The root entry holds types only: a handler wrapped from it would be a Lambda API without the init-log capture.
writeFileSync(join(consumer, 'root.mjs'), `import { withObservability } from 'faas-observability';\nexport const h = withObservability;\n`);
const bundleRoot = run(join(consumer, 'node_modules/.bin/esbuild'), ['root.mjs', '--bundle', '--platform=node', '--format=esm'], consumer);
check(
  'the root entry exports no function: importing withObservability from it fails at build',
  bundleRoot.status !== 0 && bundleRoot.stderr.includes('No matching export'),
  bundleRoot.stderr.slice(-400),
);
// The Loki fallback is opt-in on the edge: only a Worker that imports `faas-observability/loki` carries it.
writeFileSync(
  join(consumer, 'worker-loki.mjs'),
  `import { withObservability } from 'faas-observability/edge';
import { lokiFallback } from 'faas-observability/loki';
export default withObservability({ async fetch() { return new Response('ok'); } }, (env) => ({ loki: { url: env.LOKI_URL }, lokiFallback }));\n`,
);
const bundleLokiWorker = run(
  join(consumer, 'node_modules/.bin/esbuild'),
  ['worker-loki.mjs', '--bundle', '--platform=browser', '--conditions=worker,browser', '--format=esm', '--external:node:async_hooks'],
  consumer,
);
const hasLoki = (code: string) => code.includes('/loki/api/v1/push');
check(
  'the Loki fallback is in a Worker bundle only through faas-observability/loki',
  bundleLokiWorker.status === 0 && hasLoki(bundleLokiWorker.stdout) && !hasLoki(readFileSync(join(consumer, 'dist/worker.mjs'), 'utf8')),
  bundleLokiWorker.stderr.slice(-600),
);

const receiver = await startLocalReceiver();
const { spans, logs, url: endpoint } = receiver;
const runBundle = (script: string) =>
  new Promise<number | null>((done) => {
    const child = (async () =>
      (await import('node:child_process')).spawn(process.execPath, ['--input-type=module', '-e', script], {
        cwd: consumer,
        stdio: 'ignore',
        env: { PATH, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, AWS_LAMBDA_FUNCTION_NAME: 'consumer-lambda' },
      }))();
    void child.then((c) => c.on('exit', done));
  });
const lambdaExit = await runBundle(`const { handler } = await import('./dist/lambda.mjs');
await handler({ n: 1 }, { awsRequestId: 'r-1', invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:consumer-lambda', getRemainingTimeInMillis: () => 3000 });`);
const workerExit = await runBundle(`const { default: worker } = await import('./dist/worker.mjs');
const pending = [];
await worker.fetch(new Request('https://consumer.test/'), { ENDPOINT: '${endpoint}' }, { waitUntil: (p) => pending.push(p) });
for (let n = 0; n !== pending.length;) { n = pending.length; await Promise.allSettled([...pending]); }`);
await receiver.close();
check(
  'the bundled Lambda handler exports its span and its log, correlated',
  lambdaExit === 0 &&
    spans.some((s) => s.resource['service.name'] === 'consumer-lambda') &&
    logs.some((l) => l.body === 'consumer lambda 1' && spans.some((s) => s.spanId === l.spanId)),
);
check(
  'the bundled Worker exports its span and its log, correlated',
  workerExit === 0 &&
    logs.some((l) => l.body === 'consumer worker' && spans.some((s) => s.spanId === l.spanId && s.attributes['faas.trigger'] === 'http')),
);

// 4. The command line, from the installed package: the user's own (unbundled) handler, run as Lambda runs it.
writeFileSync(
  join(consumer, 'handler.mjs'),
  `import { withObservability } from 'faas-observability/lambda';
export const handler = withObservability(async (event) => { console.log('consumer invoke', event.n); return { statusCode: 200, body: 'n=' + event.n }; });\n`,
);
writeFileSync(join(consumer, 'e.json'), JSON.stringify({ n: 7 }));
const invoke = run('npx', ['faas-observability', 'invoke', './handler.mjs', '--event', 'e.json'], consumer);
check(
  '`npx faas-observability invoke ./handler.mjs --event e.json` runs the handler frozen under the local Runtime API and prints what it exported',
  invoke.status === 0 &&
    /^#1 success in [\d.]+ ms \(process 1\): \{"statusCode":200,"body":"n=7"\}$/m.test(invoke.stdout) &&
    /^└─ consumer .*\(cold start\)\n {5}INFO {2}consumer invoke 7$/m.test(invoke.stdout) &&
    /^ {2}faas\.invocations \{faas\.trigger=other\} +1$/m.test(invoke.stdout) &&
    invoke.stdout.includes('exported: 1 span(s) in 1 trace(s), 1 log record(s) (1 inside a span)') &&
    /^invocations: 1 success; cold starts: 1; freezes: 2$/m.test(invoke.stdout),
  (invoke.stdout + invoke.stderr).slice(-1200),
);
const wrong = run('npx', ['faas-observability', 'invoke', './handler.mjs', '--handler', 'nope'], consumer);
check(
  "a wrong handler name fails the init with the runtime's error, exit code 1",
  wrong.status === 1 && wrong.stdout.includes('Runtime.HandlerNotFound: handler.nope is undefined or not exported'),
  (wrong.stdout + wrong.stderr).slice(-600),
);

const failed = results.filter(([, ok]) => !ok).length;
console.log(`package: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
