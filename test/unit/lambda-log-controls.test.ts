import { SeverityNumber, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readConsoleControls } from '../../src/core/config/console-controls.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { lambdaContext } from '../helpers/lambda-context.ts';
import { testObservability, type TestObservability } from '../helpers/observability.ts';

type WithFatal = Console & { fatal(...args: unknown[]): void };
let observability: TestObservability | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await observability?.dispose();
  observability = undefined;
});

/** Runs `body` in one invocation under `env`; returns the records, the console lines and what went to stdout directly. */
async function run(env: Record<string, string>, body: () => void, options = {}) {
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  observability = testObservability(options, env);
  const context = lambdaContext();
  let ids = { traceId: '', spanId: '' };
  await observability.wrap(async (_event: unknown, _context: unknown) => {
    ids = trace.getActiveSpan()!.spanContext();
    body();
  })({}, context);
  vi.mocked(process.stdout.write).mockRestore();
  return { ...ids, requestId: context.awsRequestId, logs: observability.logs(), lines: observability.lines, written };
}

const everyLevel = () => {
  console.trace('t');
  console.debug('d');
  console.log('l');
  console.info('i');
  console.warn('w');
  console.error('e');
  (console as WithFatal).fatal('f');
};

describe("Lambda's log level (AWS_LAMBDA_LOG_LEVEL)", () => {
  it('maps the levels as the runtime client does, case-insensitively; unknown or unset keeps everything', () => {
    const level = (value?: string) =>
      readConsoleControls(undefined, value ? { AWS_LAMBDA_LOG_LEVEL: value } : {}, 'text', () => {}).minSeverity;
    expect(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].map((name) => level(name))).toEqual([
      SeverityNumber.TRACE,
      SeverityNumber.DEBUG,
      SeverityNumber.INFO,
      SeverityNumber.WARN,
      SeverityNumber.ERROR,
      SeverityNumber.FATAL,
    ]);
    expect(level('warn')).toBe(SeverityNumber.WARN);
    expect(level()).toBe(SeverityNumber.UNSPECIFIED);
    const warnings: string[] = [];
    expect(readConsoleControls(undefined, { AWS_LAMBDA_LOG_LEVEL: 'loud' }, 'text', (w) => warnings.push(w)).minSeverity).toBe(0);
    expect(warnings).toEqual(['AWS_LAMBDA_LOG_LEVEL="LOUD" is not one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL; keeping every level']);
  });

  it('below the level: no record and no line; at or above: both, console.fatal as FATAL', async () => {
    const { logs, lines } = await run({ AWS_LAMBDA_LOG_LEVEL: 'WARN' }, everyLevel);
    expect(logs.map((r) => [r.body, r.severityText, r.severityNumber])).toEqual([
      ['w', 'WARN', SeverityNumber.WARN],
      ['e', 'ERROR', SeverityNumber.ERROR],
      ['f', 'FATAL', SeverityNumber.FATAL],
    ]);
    expect(lines.map((l) => l.method)).toEqual(['warn', 'error', 'fatal']);
  });

  it('unset: every level is a record, with the runtime client’s severities', async () => {
    const { logs } = await run({}, everyLevel);
    expect(logs.map((r) => r.severityText)).toEqual(['TRACE', 'DEBUG', 'INFO', 'INFO', 'WARN', 'ERROR', 'FATAL']);
  });
});

describe("Lambda's log format (AWS_LAMBDA_LOG_FORMAT)", () => {
  it('JSON selects lambda-json unless a format is set explicitly (option, then FAAS_OBSERVABILITY_CONSOLE_FORMAT)', () => {
    const json = { AWS_LAMBDA_LOG_FORMAT: 'json' };
    expect(resolveConfig({}, json).consoleFormat).toBe('lambda-json');
    expect(resolveConfig({}, { AWS_LAMBDA_LOG_FORMAT: 'TEXT' }).consoleFormat).toBe('text');
    expect(resolveConfig({ consoleFormat: 'text' }, json).consoleFormat).toBe('text');
    expect(resolveConfig({}, { ...json, FAAS_OBSERVABILITY_CONSOLE_FORMAT: 'off' }).consoleFormat).toBe('off');
  });

  it("writes the runtime's JSON object with traceId and spanId straight to stdout, not through the console", async () => {
    const error = new RangeError('out of stock');
    const { written, lines, traceId, spanId, requestId } = await run({ AWS_LAMBDA_LOG_FORMAT: 'JSON' }, () => {
      console.log('order %s', 'A-1', { qty: 2 });
      console.info({ orderId: 'A-1', nested: { a: 1 } });
      console.error(error);
      console.warn('failed', error);
    });
    expect(lines).toEqual([]);
    const parsed = written.map((line) => {
      expect(line.endsWith('}\n')).toBe(true);
      return JSON.parse(line) as Record<string, unknown>;
    });
    const common = { level: expect.any(String), requestId, traceId, spanId, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/) };
    expect(parsed[0]).toEqual({ ...common, level: 'INFO', message: 'order A-1 { qty: 2 }' });
    expect(Object.keys(parsed[0]!)).toEqual(['timestamp', 'level', 'requestId', 'message', 'traceId', 'spanId']);
    expect(parsed[1]).toEqual({ ...common, level: 'INFO', message: { orderId: 'A-1', nested: { a: 1 } } });
    expect(parsed[2]).toEqual({
      ...common,
      level: 'ERROR',
      message: { errorType: 'RangeError', errorMessage: 'out of stock', stackTrace: error.stack!.split('\n') },
    });
    expect(parsed[3]).toEqual({
      ...common,
      level: 'WARN',
      message: `failed ${error.stack}`,
      errorType: 'RangeError',
      errorMessage: 'out of stock',
      stackTrace: error.stack!.split('\n'),
    });
  });

  it('a value JSON cannot hold (a cycle) becomes its formatted text; an explicit format keeps its own line', async () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const { written } = await run({ AWS_LAMBDA_LOG_FORMAT: 'JSON' }, () => console.log(cyclic));
    expect(JSON.parse(written[0]!).message).toBe('{ a: 1, self: [Circular] }');

    await observability!.dispose();
    const text = await run({ AWS_LAMBDA_LOG_FORMAT: 'JSON' }, () => console.log('hi'), { consoleFormat: 'text' });
    expect(text.written).toEqual([]);
    expect(text.lines[0]!.args).toEqual([`hi trace_id=${text.traceId} span_id=${text.spanId}`]);
  });
});
