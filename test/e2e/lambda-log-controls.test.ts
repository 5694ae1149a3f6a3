import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Artifact } from '../../tools/build-artifacts.ts';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedLog } from '../helpers/otlp-receiver.ts';
import { buildFixtureFunction } from '../helpers/build-function.ts';
import { RUNTIMES } from '../helpers/runtimes.ts';

// Lambda's advanced logging controls (AWS_LAMBDA_LOG_LEVEL, AWS_LAMBDA_LOG_FORMAT) under the real
// aws-lambda-ric, which replaces console.* before the handler loads, and under our bootstrap (a runtime
// client that knows nothing of them): the library must give the same result on both.

interface Run {
  results: InvocationResult[];
  logs: ReceivedLog[];
  /** Every line the process wrote, stdout and stderr, in order. */
  lines: string[];
}

let artifact: Artifact;
beforeAll(async () => {
  artifact = await buildFixtureFunction('log-controls');
}, 60_000);

async function runWith(runtime: string[] | undefined, env: Record<string, string>, receiver: OtlpReceiver): Promise<Run> {
  const lambda = await RuntimeApiServer.start({
    taskRoot: artifact.dir,
    handler: 'index.handler',
    functionName: 'log-controls',
    runtime,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env },
  });
  const results = [await lambda.invoke({ n: 1 }), await lambda.invoke({ n: 2 })];
  await lambda.stop();
  const lines = lambda.output
    .map((o) => o.text)
    .join('')
    .split('\n')
    .filter((line) => line !== '');
  return { results, logs: [...receiver.logs], lines };
}

const bodies = (logs: ReceivedLog[]) =>
  logs.map((log) => (typeof log.body === 'string' ? log.body.split('\n')[0] : JSON.stringify(log.body)));
const printed = (run: Run, text: string) => run.lines.some((line) => line.includes(text));
const jsonLines = (run: Run) => run.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);

describe.each(RUNTIMES)('Lambda logging controls under %s', (name, runtime) => {
  const ric = name === 'aws-lambda-ric';
  const runs = new Map<string, Run>();
  const SETTINGS: Record<string, Record<string, string>> = {
    none: {},
    warn: { AWS_LAMBDA_LOG_LEVEL: 'WARN' },
    json: { AWS_LAMBDA_LOG_FORMAT: 'JSON' },
    'json+debug': { AWS_LAMBDA_LOG_FORMAT: 'JSON', AWS_LAMBDA_LOG_LEVEL: 'debug' },
    'json+text option': { AWS_LAMBDA_LOG_FORMAT: 'JSON', FAAS_OBSERVABILITY_CONSOLE_FORMAT: 'text' },
  };

  beforeAll(async () => {
    for (const [setting, env] of Object.entries(SETTINGS)) {
      const receiver = await startOtlpReceiver();
      runs.set(setting, await runWith(runtime, env, receiver));
      await receiver.close();
    }
  }, 120_000);
  afterAll(() => runs.clear());

  it('every invocation succeeded', () => {
    for (const run of runs.values()) expect(run.results.map((r) => r.status)).toEqual(['success', 'success']);
  });

  it('without controls: every level is exported and printed with its trace id (console.fatal only where the runtime client adds it)', () => {
    const run = runs.get('none')!;
    const expected = ['trace 1', 'debug 1', 'log 1', 'info 1', 'warn 1 { n: 1 }', 'error 1 RangeError: out of stock'];
    expect(bodies(run.logs)).toEqual(expect.arrayContaining(['init line', ...expected, ...(ric ? ['fatal 1'] : [])]));
    expect(run.logs.find((log) => log.body === 'fatal 1')?.severityText).toBe(ric ? 'FATAL' : undefined);
    expect(run.logs.find((log) => log.body === 'log 1')).toMatchObject({ severityText: 'INFO', severityNumber: 9 });
    const line = run.lines.find((l) => l.includes('\tINFO\tinfo 1 '))!;
    const log = run.logs.find((l) => l.body === 'info 1')!;
    expect(line).toContain(`trace_id=${log.traceId} span_id=${log.spanId}`);
  });

  it('AWS_LAMBDA_LOG_LEVEL=WARN: nothing below WARN is exported or printed', () => {
    const run = runs.get('warn')!;
    const exported = bodies(run.logs);
    for (const below of ['init line', 'trace 1', 'debug 1', 'log 1', 'info 1', 'info 2', '{"object":1}']) {
      expect(exported).not.toContain(below);
      expect(printed(run, below)).toBe(false);
    }
    expect(exported).toEqual(expect.arrayContaining(['warn 1 { n: 1 }', 'error 2 RangeError: out of stock', ...(ric ? ['fatal 2'] : [])]));
    expect(printed(run, 'warn 2')).toBe(true);
    expect(printed(run, 'error 1')).toBe(true);
  });

  it("AWS_LAMBDA_LOG_FORMAT=JSON: each line is the runtime's JSON object with traceId and spanId added", () => {
    const run = runs.get('json')!;
    expect(run.lines.filter((line) => /\b(trace|debug|log|info|warn|error|fatal) [12]\b/.test(line) && !line.startsWith('{'))).toEqual([]);
    const lines = jsonLines(run);
    const info = lines.find((line) => line.message === 'info 2')!;
    const log = run.logs.find((l) => l.body === 'info 2')!;
    expect(info).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      level: 'INFO',
      requestId: run.results[1]!.requestId,
      message: 'info 2',
      traceId: log.traceId,
      spanId: log.spanId,
    });
    expect(lines.find((line) => line.message === 'log 1')).toMatchObject({ level: 'INFO', requestId: run.results[0]!.requestId });
    expect(lines.find((line) => line.message === 'trace 1')).toMatchObject({ level: 'TRACE' });
    expect(lines.find((line) => JSON.stringify(line.message) === '{"object":1}')).toMatchObject({ level: 'INFO' });
    expect(lines.find((line) => String(line.message).startsWith('error 1'))).toMatchObject({
      level: 'ERROR',
      errorType: 'RangeError',
      errorMessage: 'out of stock',
      stackTrace: expect.arrayContaining(['RangeError: out of stock']),
    });
    if (ric) expect(lines.find((line) => line.message === 'fatal 1')).toMatchObject({ level: 'FATAL', traceId: expect.any(String) });
    // Init lines have no request yet, as the runtime writes them.
    expect(lines.find((line) => line.message === 'init line')).not.toHaveProperty('requestId');
    expect(bodies(run.logs)).toEqual(expect.arrayContaining(['init line', 'trace 1', 'debug 2', 'info 1']));
  });

  it('AWS_LAMBDA_LOG_FORMAT=JSON with AWS_LAMBDA_LOG_LEVEL=debug: TRACE dropped, the rest JSON', () => {
    const run = runs.get('json+debug')!;
    expect(bodies(run.logs)).not.toContain('trace 1');
    expect(printed(run, 'trace 1')).toBe(false);
    expect(jsonLines(run).find((line) => line.message === 'debug 1')).toMatchObject({ level: 'DEBUG', spanId: expect.any(String) });
  });

  it('an explicit console format still wins over AWS_LAMBDA_LOG_FORMAT', () => {
    const run = runs.get('json+text option')!;
    const log = run.logs.find((l) => l.body === 'info 1')!;
    const ids = `trace_id=${log.traceId} span_id=${log.spanId}`;
    // Under the runtime client its own JSON object carries our text line as the message; no traceId key.
    if (ric) expect(jsonLines(run).find((line) => line.message === `info 1 ${ids}`)).toMatchObject({ level: 'INFO' });
    else expect(run.lines.find((line) => line.endsWith(`\tINFO\tinfo 1 ${ids}`))).toBeDefined();
    expect(jsonLines(run).some((line) => 'traceId' in line)).toBe(false);
  });
});
