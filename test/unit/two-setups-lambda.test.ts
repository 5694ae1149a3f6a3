import { trace } from '@opentelemetry/api';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The diagnostics write through the console methods found when their module loads: record them from here.
const { stderr } = vi.hoisted(() => {
  const stderr: string[] = [];
  console.error = (...args: unknown[]) => void stderr.push(args.map(String).join(' '));
  console.warn = (...args: unknown[]) => void stderr.push(args.map(String).join(' '));
  return { stderr };
});
const { createLambdaObservability } = await import('../../src/lambda.ts');
const { LAMBDA_ENV, lambdaContext } = await import('../helpers/lambda-context.ts');
type LambdaObservability = ReturnType<typeof createLambdaObservability>;

// Two setups in one process each see their own: an invocation's console calls and spans go to the setup
// whose wrapped handler runs it, exported under that setup's service.name; a shutdown leaves the other whole.

interface Setup {
  readonly observability: LambdaObservability;
  readonly spans: InMemorySpanExporter;
  readonly logs: InMemoryLogRecordExporter;
  readonly handler: (event: unknown, context: unknown) => Promise<unknown>;
}

const created: Setup[] = [];
const printed: unknown[][] = [];
const recorder = (console.log = (...args: unknown[]) => void printed.push(args));
afterEach(async () => {
  for (const setup of created.splice(0)) await setup.observability.shutdown();
});

function setup(serviceName: string, options = {}): Setup {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const observability = createLambdaObservability({ serviceName, spanExporter: spans, logExporter: logs, ...options }, { ...LAMBDA_ENV });
  const handler = observability.wrap(async (event: { say: string }, _context: unknown) => {
    console.log(event.say);
    // User code through the API: a span under the running invocation, in the running setup.
    trace.getTracer('user').startSpan(`user ${event.say}`).end();
    return event.say;
  }) as Setup['handler'];
  const made = { observability, spans, logs, handler };
  created.push(made);
  return made;
}

const bodies = (s: Setup) => s.logs.getFinishedLogRecords().map((r) => r.body);
const services = (s: Setup) => [
  ...new Set([
    ...s.logs.getFinishedLogRecords().map((r) => r.resource.attributes['service.name']),
    ...s.spans.getFinishedSpans().map((span) => span.resource.attributes['service.name']),
  ]),
];

describe('two createLambdaObservability setups in one process', () => {
  it('invocations A, B, A: each setup exports exactly its own records and spans, under its own service.name', async () => {
    const a = setup('a');
    const b = setup('b');
    await a.handler({ say: 'a1' }, lambdaContext());
    await b.handler({ say: 'b1' }, lambdaContext());
    await a.handler({ say: 'a2' }, lambdaContext());
    expect(bodies(a)).toEqual(['a1', 'a2']);
    expect(bodies(b)).toEqual(['b1']);
    expect(services(a)).toEqual(['a']);
    expect(services(b)).toEqual(['b']);
    expect(
      a.spans
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['orders-api', 'orders-api', 'user a1', 'user a2']);
    expect(
      b.spans
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['orders-api', 'user b1']);
    // Each record carries its own invocation's span.
    const bSpan = b.spans.getFinishedSpans().find((s) => s.name === 'orders-api')!;
    expect(b.logs.getFinishedLogRecords()[0]!.spanContext?.spanId).toBe(bSpan.spanContext().spanId);
    expect(stderr.filter((line) => /duplicate registration/i.test(line))).toEqual([]);
  });

  it("B's shutdown leaves A whole: console capture, spans and the API; A's shutdown then restores the console", async () => {
    const a = setup('a');
    const b = setup('b');
    await b.observability.shutdown();
    created.splice(created.indexOf(b), 1);
    await a.handler({ say: 'after b shut down' }, lambdaContext());
    expect(bodies(a)).toEqual(['after b shut down']);
    expect(
      a.spans
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(['orders-api', 'user after b shut down']);
    expect(bodies(b)).toEqual([]);
    await a.observability.shutdown();
    created.splice(0);
    expect(console.log).toBe(recorder);
  });

  it('outside any invocation a console call goes to the first setup attached', async () => {
    const a = setup('a');
    const b = setup('b');
    console.log('outside');
    await a.observability.telemetry!.flush(1000);
    expect(bodies(a)).toEqual(['outside']);
    expect(bodies(b)).toEqual([]);
  });
});
