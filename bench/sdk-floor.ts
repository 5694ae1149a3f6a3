/**
 * The floor of the warm overhead: what the OpenTelemetry SDK itself costs per span and per log record, and
 * what our console formatting costs beside Node's own, measured in one process (micro-benchmarks, medians of
 * rounds). Run with `node bench/sdk-floor.ts`; figures go to bench/RESULTS.md ("Against the targets").
 */
import { ROOT_CONTEXT, SeverityNumber, context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { LoggerProvider, type LogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { format } from 'node:util';
import { formatArgs } from '../src/console/format-args.ts';
import { consoleCallToLogRecord } from '../src/console/log-record.ts';

const ROUNDS = 7;
const COUNT = 200_000;

function measure(name: string, run: (n: number) => unknown): void {
  const samples: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < COUNT / 10; i++) run(i);
    const started = process.hrtime.bigint();
    for (let i = 0; i < COUNT; i++) run(i);
    samples.push(Number(process.hrtime.bigint() - started) / COUNT / 1000);
  }
  samples.sort((a, b) => a - b);
  console.log(`| ${name} | ${samples[Math.floor(ROUNDS / 2)]!.toFixed(2)} |`);
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
