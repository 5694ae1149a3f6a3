import { metrics } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaObservability } from '../../src/lambda.ts';
import { readEmfLine } from '../helpers/emf-reader.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

// What the options change: the user meters' attributes, the printed line, the switch. The table of secrets
// through every export path is test/integration/redaction-paths.test.ts.

let setup: TestObservability | LambdaObservability | undefined;
let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await (setup && 'dispose' in setup ? setup.dispose() : setup?.shutdown());
  setup = undefined;
  await receiver?.close();
  receiver = undefined;
});

const LOGIN = { user: 'bob', password: 'hunter2-xyz' };
// The lambda-json lines go to stdout itself (beside the runtime client's console), the others through the console.
let written: string[] = [];
const lineText = (observability: TestObservability) =>
  [...observability.lines.map((line) => line.args.map(String).join(' ')), ...written].join('\n');

async function logLogin(options: Parameters<typeof testObservability>[0], env: Record<string, string> = {}): Promise<TestObservability> {
  const observability = (setup = testObservability(options, env));
  written = [];
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string) => written.push(String(chunk)) > 0) as typeof process.stdout.write;
  try {
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      console.log('login', LOGIN);
      console.log('%j', LOGIN);
    })({}, lambdaContext());
  } finally {
    process.stdout.write = write;
  }
  return observability;
}

describe('the printed console line', () => {
  it('stays as written by default, while its record is redacted', async () => {
    const observability = await logLogin({ consoleFormat: 'text' });
    expect(lineText(observability)).toContain('hunter2-xyz');
    const records = observability.logs();
    expect(records.map((r) => r.body)).toEqual(["login { user: 'bob', password: '[REDACTED]' }", '{"user":"bob","password":"[REDACTED]"}']);
    expect(records[0]!.attributes).toMatchObject({ user: 'bob', password: '[REDACTED]' });
  });

  it.each(['text', 'json', 'lambda-json'] as const)('is redacted too with redact.stdout, in the %s format', async (consoleFormat) => {
    const observability = await logLogin({ consoleFormat, redact: { stdout: true } });
    const printed = lineText(observability);
    expect(printed).not.toContain('hunter2-xyz');
    expect(printed).toContain('bob');
    if (consoleFormat === 'text') expect(printed).toMatch(/trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16}/);
  });

  it('FAAS_OBSERVABILITY_REDACT_STDOUT=true does the same', async () => {
    expect(lineText(await logLogin({}, { FAAS_OBSERVABILITY_REDACT_STDOUT: 'true' }))).not.toContain('hunter2-xyz');
  });
});

describe('turning it off', () => {
  it.each([
    ['redact: false', { redact: false as const }, {}],
    ['FAAS_OBSERVABILITY_REDACT=false', {}, { FAAS_OBSERVABILITY_REDACT: 'false' }],
  ])('%s exports the records as written', async (_name, options, env) => {
    const observability = await logLogin(options, env);
    expect(observability.logs().map((r) => r.body)).toEqual(["login { user: 'bob', password: 'hunter2-xyz' }", JSON.stringify(LOGIN)]);
  });
});

describe('a record redaction cannot read', () => {
  it('is exported with its content withheld, not as written', async () => {
    const observability = (setup = testObservability());
    const unreadable = new Proxy(
      { password: 'p4ss' },
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    await observability.wrap(async (_event: unknown, _context: unknown) => {
      observability.telemetry!.logger.emit({ body: unreadable as never, attributes: { note: 'plain' } });
    })({}, lambdaContext());
    expect(observability.logs().map((r) => [r.body, r.attributes.note])).toEqual([['[REDACTED]', '[REDACTED]']]);
  });
});

describe('spans', () => {
  it('lose the secrets of their attributes, events and status message, keep the rest', async () => {
    const observability = (setup = testObservability());
    const wrapped = observability.wrap(async (_event: unknown, _context: unknown) => {
      observability.telemetry!.tracer.startActiveSpan('child', (span) => {
        span.setAttributes({ 'db.password': 'p4ss', 'db.name': 'orders' });
        span.addEvent('retry', { note: 'with Bearer abc.def-123456789' });
        span.end();
      });
      throw new Error('refused id_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln');
    });
    await expect(wrapped({}, lambdaContext())).rejects.toThrow('refused');
    const exported = JSON.stringify(observability.spans().map((s) => [s.attributes, s.events, s.status]));
    for (const secret of ['p4ss', 'abc.def-123456789', 'eyJhbGciOiJIUzI1NiJ9']) expect(exported).not.toContain(secret);
    expect(exported).toContain('orders');
    expect(exported).toContain('refused id_token=[REDACTED]');
  });
});

describe('metrics', () => {
  it('a user meter attribute under a secret key is redacted over OTLP; the other attributes and the values are not', async () => {
    receiver = await startOtlpReceiver();
    vi.resetModules();
    const { createLambdaObservability } = await import('../../src/lambda.ts');
    const counter = metrics.getMeter('billing').createCounter('charges');
    setup = createLambdaObservability({ postResponseFlush: false }, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    await setup.wrap(async (_event: unknown, _context: unknown) => {
      counter.add(2, { plan: 'pro', api_key: 'sk-abc-123' });
    })({}, lambdaContext());
    const charges = receiver.metrics.filter((m) => m.name === 'charges').flatMap((m) => m.points);
    expect(charges.map((p) => [p.attributes, p.value])).toEqual([[{ plan: 'pro', api_key: '[REDACTED]' }, 2]]);
  });

  it('and in the EMF lines', async () => {
    const lines: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      vi.resetModules();
      const { createLambdaObservability } = await import('../../src/lambda.ts');
      const counter = metrics.getMeter('billing').createCounter('charges');
      setup = createLambdaObservability({ postResponseFlush: false }, { ...LAMBDA_ENV, OTEL_METRICS_EXPORTER: 'emf' });
      await setup.wrap(async (_event: unknown, _context: unknown) => counter.add(1, { plan: 'pro', api_key: 'sk-abc-123' }))(
        {},
        lambdaContext(),
      );
    } finally {
      process.stdout.write = write;
    }
    const emf = lines.filter((line) => line.includes('"_aws"'));
    expect(emf.map((line) => readEmfLine(line.trim()))).not.toHaveLength(0);
    expect(emf.join('\n')).not.toContain('sk-abc-123');
    expect(emf.join('\n')).toContain('"plan":"pro"');
  });
});
