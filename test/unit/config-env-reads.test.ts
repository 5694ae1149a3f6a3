import { afterEach, describe, expect, it } from 'vitest';
import { captureInitLogs } from '../../src/console/init-log-capture.ts';
import { startPostResponseFlush } from '../../src/lambda/post-response-flush.ts';
import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';

/** The configuration's own variables (the runtime's AWS_LAMBDA_* facts are read by the resource detectors). */
const isSetting = (key: string) => key.startsWith('OTEL_') || key.startsWith('FAAS_OBSERVABILITY_');

/** An environment that records every setting read, and whether `resolveConfig` was the reader. */
function recordingEnv(values: Record<string, string>) {
  const reads: { key: string; byResolver: boolean }[] = [];
  const env = new Proxy(values, {
    get(target, key) {
      if (typeof key === 'string' && isSetting(key)) {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 100;
        const stack = new Error().stack ?? '';
        Error.stackTraceLimit = limit;
        reads.push({ key, byResolver: stack.includes('resolveConfig') });
      }
      return target[key as string];
    },
  });
  return { env, reads, outsideResolver: () => reads.filter((read) => !read.byResolver).map((read) => read.key) };
}

let setup: LambdaObservability | undefined;
afterEach(async () => {
  await setup?.shutdown();
  setup = undefined;
});

describe('settings are read from the environment by the resolver only', () => {
  it('the init-log capture reads its settings through resolveConfig', () => {
    const recorded = recordingEnv({ AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9', FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH: '100' });
    const capture = captureInitLogs(recorded.env);
    capture?.end();
    expect(capture).toBeDefined();
    expect(recorded.reads.map((read) => read.key)).toContain('FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH');
    expect(recorded.outsideResolver()).toEqual([]);
  });

  it('the preloaded post-response flush reads its switch through resolveConfig', async () => {
    const recorded = recordingEnv({ FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false' });
    expect(await startPostResponseFlush(recorded.env)).toBe(false);
    expect(recorded.reads.map((read) => read.key)).toContain('FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH');
    expect(recorded.outsideResolver()).toEqual([]);
  });

  it('before any setup, the preload and the init capture share one resolution: each setting is read once', async () => {
    // Both switched off, so neither the extension nor the capture starts; both read their switch first.
    const recorded = recordingEnv({
      AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9',
      FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false',
      FAAS_OBSERVABILITY_CAPTURE_CONSOLE: 'false',
    });
    expect(await startPostResponseFlush(recorded.env)).toBe(false);
    expect(captureInitLogs(recorded.env)).toBeUndefined();
    const keys = recorded.reads.map((read) => read.key);
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((key, index) => keys.indexOf(key) !== index)).toEqual([]);
  });

  it('a setup reads settings only while it resolves them, and never again once it runs', async () => {
    const recorded = recordingEnv({ ...LAMBDA_ENV, OTEL_SERVICE_NAME: 'orders', FAAS_OBSERVABILITY_CAPTURE_CONSOLE: 'false' });
    setup = createLambdaObservability(
      { spanExporter: new InMemorySpanExporter(), logExporter: new InMemoryLogRecordExporter() },
      recorded.env,
    );
    expect(recorded.outsideResolver()).toEqual([]);
    const readAtSetup = recorded.reads.length;
    expect(readAtSetup).toBeGreaterThan(0);
    await setup.wrap(async (_event: unknown, _context: unknown) => 'done')({}, lambdaContext());
    expect(recorded.reads.slice(readAtSetup)).toEqual([]);
  });
});
