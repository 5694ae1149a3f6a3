/**
 * npm run demo [-- --attributes] [--out dir]
 *
 * The whole path on one machine, no docker: builds the orders-api example, starts the embedded receiver
 * (OTLP/HTTP protobuf and Loki push on loopback), runs the function the way Lambda does — frozen at every
 * /next — for a cold start, an error and a slow call, and prints each trace as a tree of spans with the log
 * lines each span wrote, then the metrics the invocations were counted in (FaaS metrics and the function's own). A development tool: in production, send OTLP to an OpenTelemetry Collector.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildArtifact, findFunctions } from './build-artifacts.ts';
import { RuntimeApiServer } from './lambda-runtime/runtime-api-server.ts';
import { startLocalReceiver } from './receiver.ts';
import { renderTraces } from './trace-view.ts';
import { renderMetrics } from './metric-view.ts';

const ROOT = resolve(import.meta.dirname, '..');
// --out: where the artifact is built (dist/ by default); a test gives each run its own folder.
const { values } = parseArgs({ options: { attributes: { type: 'boolean', default: false }, out: { type: 'string' } } });
/** A sample event without its traceparent: each call starts its own trace, as from a client without tracing. */
const event = (name: string) => {
  const sample = JSON.parse(readFileSync(join(ROOT, 'functions/orders-api/events', `${name}.json`), 'utf8'));
  delete sample.headers?.traceparent;
  delete sample.headers?.tracestate;
  return sample;
};

const [source] = findFunctions(['orders-api']);
const artifact = await buildArtifact(source!, values.out);
const receiver = await startLocalReceiver();
const lambda = await RuntimeApiServer.start({
  taskRoot: artifact.dir,
  handler: 'index.handler',
  functionName: 'orders-api',
  timeoutMs: 3000,
  env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, FAAS_OBSERVABILITY_LOKI_URL: receiver.url },
});

console.log(`demo: built orders-api (${(artifact.bytes / 1024).toFixed(1)} KiB), receiver on ${receiver.url}\n`);
for (const [label, name] of [
  ['cold start', 'event'],
  ['error', 'failing-order'],
  ['slow call', 'slow-call'],
  ['warm', 'event'],
] as const) {
  const result = await lambda.invoke(event(name));
  console.log(`invoke (${label}): ${result.status} in ${result.durationMs.toFixed(1)} ms — ${result.payload.slice(0, 100)}`);
}
await lambda.stop(); // the freeze's end: anything not exported by now would be lost
await receiver.close();

console.log(renderTraces(receiver.spans, receiver.logs, { attributes: values.attributes }));
console.log(`\n${renderMetrics(receiver.metrics)}`);
const inSpans = receiver.logs.filter((l) => l.spanId !== '').length;
console.log(
  `\n${receiver.spans.length} span(s) and ${receiver.logs.length} log line(s) received, ${inSpans} of them inside a span; ${lambda.processNumber} cold start, ${lambda.freezes} freezes.`,
);
console.log(
  'Run `npm run demo -- --attributes` to see span attributes; `npm run receiver` to keep a receiver running for `npm run invoke`.',
);
