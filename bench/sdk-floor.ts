/**
 * The floor of the warm overhead: what the OpenTelemetry SDK itself costs per span and per log record, and
 * what our console formatting costs beside Node's own, measured in one process (micro-benchmarks, medians of
 * rounds). Run with `node bench/sdk-floor.ts`; figures go to bench/RESULTS.md ("Against the targets").
 */
import { ROOT_CONTEXT, SeverityNumber, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { format } from 'node:util';
import { formatArgs } from '../src/console/format-args.ts';
import { consoleCallToLogRecord } from '../src/console/log-record.ts';
import { createOtlpLogExporter, createOtlpSpanExporter } from '../src/exporters/otlp/otlp-exporter.ts';
import type { Transport } from '../src/exporters/transport/transport.ts';

const ROUNDS = 7;
const COUNT = 200_000;

function measure(name: string, run: (n: number) => unknown, count = COUNT): void {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < count / 10; i++) run(i);
    const started = process.hrtime.bigint();
    for (let i = 0; i < count; i++) run(i);
    samples.push(Number(process.hrtime.bigint() - started) / count / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`| ${name} | ${samples[Math.floor(ROUNDS / 2)]!.toFixed(2)} |`);
}

/** One invocation's span and 5 records as ours makes them, for the encoding figure. */
function oneInvocation() {
  const spans = new InMemorySpanExporter();
  const records = new InMemoryLogRecordExporter();
  const tracer = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] }).getTracer('floor');
  const logger = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: records })] }).getLogger('floor');
  const span = tracer.startSpan('handler', { attributes: invocationAttributes });
  for (let n = 0; n < 5; n++) {
    const record = consoleCallToLogRecord('log', line(n), 16_384);
    logger.emit({
      ...record,
      attributes: { ...record.attributes, 'faas.invocation_id': 'bench-1' },
      context: trace.setSpan(ROOT_CONTEXT, span),
    });
  }
  span.end();
  return { spans: spans.getFinishedSpans(), records: records.getFinishedLogRecords() };
}

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const sink: LogRecordProcessor = { onEmit() {}, forceFlush: async () => {}, shutdown: async () => {} };
const tracer = new TracerProvider({}).getTracer('floor');
const logger = new LoggerProvider({ processors: [sink] }).getLogger('floor');
const span = tracer.startSpan('parent');
const active = trace.setSpan(ROOT_CONTEXT, span);
// The attributes of ours' invocation span in the warm bench (generic trigger, a Lambda context).
const invocationAttributes = {
  'faas.trigger': 'other',
  'faas.coldstart': false,
  'faas.invocation_id': 'bench-1',
  'cloud.resource_id': 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
  'cloud.account.id': '123456789012',
  'aws.lambda.invoked_arn': 'arn:aws:lambda:eu-west-1:123456789012:function:bench',
};
const line = (n: number) => ['processing item %d of order %s', n, 'A-1', { step: n }];

console.log('| item | µs |\n|---|---|');
// The encoding alone: our OTLP exporters (the official protobuf serializers) with an in-process transport.
const answered: Transport = async () => ({ status: 'success', statusCode: 200 });
const otlp = { timeoutMs: 1000, transport: answered };
const spanExporter = createOtlpSpanExporter({ url: 'http://127.0.0.1:4318/v1/traces', ...otlp });
const logExporter = createOtlpLogExporter({ url: 'http://127.0.0.1:4318/v1/logs', ...otlp });
const { spans, records } = oneInvocation();
const exportBoth = () => new Promise((resolve) => spanExporter.export(spans, () => logExporter.export(records, resolve)));
const encoding: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < 500; i++) await exportBoth();
  const started = process.hrtime.bigint();
  for (let i = 0; i < 5000; i++) await exportBoth();
  encoding.push(Number(process.hrtime.bigint() - started) / 5000 / 1000);
}
encoding.sort((a, b) => a - b);
console.log(`| OTLP encoding and export, 1 span + 5 records, transport answering at once (ours) | ${encoding[3]!.toFixed(2)} |`);
context.with(active, () => {
  measure('SDK span start + end, no attributes (official)', () => tracer.startSpan('handler', {}, active).end());
  measure('SDK span start + end, the 6 invocation attributes (ours)', () =>
    tracer.startSpan('handler', { attributes: invocationAttributes }, active).end(),
  );
  measure('SDK logger.emit, 1 attribute (official)', (n) =>
    logger.emit({ severityNumber: SeverityNumber.INFO, body: `processing item ${n} of order A-1`, attributes: { step: n } }),
  );
  measure('SDK logger.emit, 3 attributes, context and timestamp given (ours)', (n) =>
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: `processing item ${n} of order A-1 { step: ${n} }`,
      attributes: { step: n, 'faas.invocation_id': 'bench-1', 'log.record.uid': `e457b5a2e4d86bd1-17955703237640${n}` },
      context: active,
      timestamp: [1795570323, n],
    }),
  );
  measure("Node's util.format of the bench line (what the console does)", (n) => format(...line(n)));
  measure('formatArgs of the bench line (ours)', (n) => formatArgs(line(n), 16_384));
  measure('consoleCallToLogRecord of the bench line (ours: body and attributes)', (n) => consoleCallToLogRecord('log', line(n), 16_384));
});
