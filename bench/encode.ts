/**
 * Encode CPU per invocation-sized batch (the bench handler's 1 span + 5 console lines, as our Lambda wrapper
 * records them, each log record as its request carries it: record-uid.ts): our OTLP encoder (as the exporter
 * calls it) against the official serializers of `@opentelemetry/otlp-transformer` (as the exporter called them), and
 * what gzip adds (node:zlib, as on Lambda; CompressionStream, as on the edge) against the bytes it saves.
 * Interleaved rounds (the order alternates), median µs per batch. `node bench/encode.ts [rounds] [batches]`.
 */
import { gzipSync } from 'node:zlib';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { encodeLogs } from '../src/exporters/otlp/encode-logs.ts';
import { encodeSpans } from '../src/exporters/otlp/encode-spans.ts';
import { otlpOmittedAttributes } from '../src/exporters/record-uid.ts';
import { otlpWireRecord } from '../tools/otlp-wire-record.ts';
import { createLambdaObservability } from '../src/lambda.ts';

const [rounds = 21, batches = 2000] = process.argv.slice(2).map(Number);

/** One invocation of the bench handler, its span and log records kept in memory. */
async function invocationBatch(): Promise<{ spans: ReadableSpan[]; logs: ReadableLogRecord[] }> {
  const spans: ReadableSpan[] = [];
  const logs: ReadableLogRecord[] = [];
  const keep =
    <T>(into: T[]) =>
    (items: T[], done: (result: { code: number }) => void) => {
      into.push(...items);
      done({ code: 0 });
    };
  const env = {
    AWS_LAMBDA_FUNCTION_NAME: 'bench',
    AWS_REGION: 'eu-west-1',
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1024',
    FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false',
  };
  const quiet = { ...console };
  console.log = () => {};
  const observability = createLambdaObservability(
    {
      spanExporter: { export: keep(spans), shutdown: async () => {}, forceFlush: async () => {} },
      logExporter: { export: keep(logs), shutdown: async () => {}, forceFlush: async () => {} },
    },
    env,
  );
  const handler = observability.wrap(async (_event: unknown, _context: unknown) => {
    for (let n = 0; n < 5; n++) console.log('processing item %d of order %s', n, 'A-1', { step: n });
    return { statusCode: 200 };
  });
  await handler(
    {},
    {
      awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
      getRemainingTimeInMillis: () => 30_000,
    },
  );
  await observability.shutdown();
  Object.assign(console, quiet);
  return { spans, logs };
}

const { spans, logs } = await invocationBatch();
if (spans.length !== 1 || logs.length !== 5) throw new Error(`expected 1 span + 5 records, got ${spans.length} + ${logs.length}`);

const ours = () => [encodeSpans(spans), encodeLogs(logs, otlpOmittedAttributes)] as const;
const official = () =>
  [ProtobufTraceSerializer.serializeRequest(spans)!, ProtobufLogsSerializer.serializeRequest(logs.map(otlpWireRecord))!] as const;
const [traceBody, logsBody] = ours();
const [officialTrace, officialLogs] = official();
if (Buffer.compare(traceBody, officialTrace) || Buffer.compare(logsBody, officialLogs)) throw new Error('the encoders disagree');

const compressionStream = async (body: Uint8Array) =>
  new Uint8Array(
    await new Response(new Blob([body as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'))).arrayBuffer(),
  );

const candidates: Record<string, () => unknown> = {
  'ours (encodeSpans + encodeLogs)': ours,
  'official (ProtobufTraceSerializer + ProtobufLogsSerializer)': official,
  'gzip of both bodies, node:zlib gzipSync': () => [gzipSync(traceBody), gzipSync(logsBody)],
};
const asyncCandidates: Record<string, () => Promise<unknown>> = {
  'gzip of both bodies, CompressionStream (Node)': () => Promise.all([compressionStream(traceBody), compressionStream(logsBody)]),
};

const samples = new Map<string, number[]>();
const names = [...Object.keys(candidates), ...Object.keys(asyncCandidates)];
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const started = process.hrtime.bigint();
    if (name in candidates) for (let i = 0; i < batches; i++) candidates[name]!();
    else for (let i = 0; i < batches / 10; i++) await asyncCandidates[name]!();
    const perBatch = Number(process.hrtime.bigint() - started) / 1000 / (name in candidates ? batches : batches / 10);
    if (round > 0) samples.set(name, [...(samples.get(name) ?? []), perBatch]); // round 0 warms up
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`| encode, 1 span + 5 log records (${rounds - 1} rounds × ${batches} batches, median) | µs / batch |`);
console.log('|---|---|');
for (const name of names) console.log(`| ${name} | ${median(samples.get(name)!).toFixed(2)} |`);
const gz = gzipSync(traceBody).length + gzipSync(logsBody).length;
console.log(`\nbytes: traces ${traceBody.length} + logs ${logsBody.length} = ${traceBody.length + logsBody.length}; gzipped ${gz}`);
