/**
 * npm run invoke -- <function> [--event file.json] [--times N] [--endpoint URL] [--timeout ms] [--out dir] [--quiet]
 *
 * Builds functions/<function>/handler.ts and runs it the way Lambda does (Runtime API, frozen at every
 * /next, killed at the end) against an OTLP endpoint — the local stack's collector, any OTLP/HTTP endpoint,
 * or none (a local sink) — then prints each response and what the function exported.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildArtifact, findFunctions } from './build-artifacts.ts';
import { RuntimeApiServer } from './lambda-runtime/runtime-api-server.ts';
import { startOtlpTap } from './otlp-tap.ts';

const ROOT = resolve(import.meta.dirname, '..');

function fail(message: string): never {
  process.stderr.write(`invoke: ${message}\n`);
  process.exit(2);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        event: { type: 'string' },
        times: { type: 'string', default: '1' },
        endpoint: { type: 'string' },
        timeout: { type: 'string', default: '3000' },
        quiet: { type: 'boolean', default: false },
        // Where the artifact is built (dist/ by default): a test gives each run its own folder.
        out: { type: 'string' },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
})();

const name = positionals[0] ?? fail(`which function? one of: ${listFunctions().join(', ') || '(none in functions/)'}`);
const source =
  findFunctions().find((f) => f.name === name) ??
  fail(`no function "${name}" (looked for functions/${name}/handler.ts); there are: ${listFunctions().join(', ')}`);
if (source.kind !== 'lambda')
  fail(`"${name}" is an edge function; invoke runs Lambda functions (see the edge tests for workerd, Deno and Vercel)`);
const times = Number(values.times);
if (!Number.isInteger(times) || times < 1 || times > 10_000) fail(`--times must be a whole number from 1 to 10000, got "${values.times}"`);
const timeoutMs = Number(values.timeout);
if (!Number.isFinite(timeoutMs) || timeoutMs < 100) fail(`--timeout must be a number of milliseconds ≥ 100, got "${values.timeout}"`);
const endpoint = values.endpoint ?? process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) fail(`--endpoint must be an http(s) URL, got "${endpoint}"`);
const { path: eventPath, event } = loadEvent(name, values.event);

const artifact = await buildArtifact(source, values.out).catch((error: Error) => fail(`build failed: ${error.message}`));
const built = { taskRoot: artifact.dir, handler: 'index.handler', bytes: artifact.bytes };
const tap = await startOtlpTap(endpoint);
const lambda = await RuntimeApiServer.start({
  ...built,
  functionName: name,
  timeoutMs,
  env: { OTEL_EXPORTER_OTLP_ENDPOINT: tap.url, ...passThroughEnv() },
  onOutput: values.quiet ? undefined : (stream, text) => process[stream].write(indent(text)),
});

console.log(
  `invoke: ${name} (${(built.bytes / 1024).toFixed(1)} KiB), event ${eventPath}, ${times}×, timeout ${timeoutMs} ms, exporting to ${endpoint ?? 'a local sink'}`,
);
const statuses = new Map<string, number>();
for (let i = 0; i < times; i++) {
  const result = await lambda.invoke(event);
  statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
  console.log(
    `#${i + 1} ${result.status} in ${result.durationMs.toFixed(1)} ms (process ${result.processNumber}): ${truncate(result.payload, 300)}`,
  );
}
await lambda.stop();
await tap.close();

const { spans, logs, upstream } = tap.report;
const traces = new Set(spans.map((s) => s.traceId));
const correlated = logs.filter((l) => l.spanId !== '').length;
console.log(
  `\nexported: ${spans.length} span(s) in ${traces.size} trace(s), ${logs.length} log record(s) (${correlated} inside a span), ${upstream.length} request(s)`,
);
console.log(`upstream answers: ${summarize(upstream)}`);
console.log(
  `invocations: ${[...statuses].map(([status, count]) => `${count} ${status}`).join(', ')}; cold starts: ${lambda.processNumber}; freezes: ${lambda.freezes}`,
);
for (const span of spans.filter((s) => s.attributes['faas.invocation_id'])) {
  const own = logs.filter((l) => l.spanId === span.spanId).length;
  console.log(
    `  ${span.traceId} ${span.name} status=${['unset', 'ok', 'error'][span.status.code]} coldstart=${span.attributes['faas.coldstart']} logs=${own}`,
  );
}

function listFunctions(): string[] {
  return findFunctions()
    .filter((f) => f.kind === 'lambda')
    .map((f) => f.name);
}

function loadEvent(fn: string, given: string | undefined): { path: string; event: unknown } {
  let path = given;
  if (!path) {
    // events/event.json is the default sample; otherwise the first sample by name.
    const dir = join(ROOT, 'functions', fn, 'events');
    const samples = existsSync(dir)
      ? readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
    const chosen = samples.includes('event.json') ? 'event.json' : samples[0];
    path = chosen ? join('functions', fn, 'events', chosen) : undefined;
  }
  if (!path) return { path: '(empty object)', event: {} };
  const full = resolve(process.cwd(), path);
  if (!existsSync(full)) fail(`no event file at ${path}`);
  try {
    return { path, event: JSON.parse(readFileSync(full, 'utf8')) };
  } catch (error) {
    fail(`event file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** OTEL_* and FAAS_OBSERVABILITY_* of the caller reach the function, as a function's configuration would. */
function passThroughEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key, value]) =>
        value !== undefined && (key.startsWith('OTEL_') || key.startsWith('FAAS_OBSERVABILITY_')) && key !== 'OTEL_EXPORTER_OTLP_ENDPOINT',
    ),
  ) as Record<string, string>;
}

function summarize(answers: string[]): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  return [...counts].map(([answer, count]) => `${answer} ×${count}`).join(', ') || 'none';
}

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  │ ');
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
