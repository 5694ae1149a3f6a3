// One loopback OTLP receiver per test and the Lambda setup under test, shut down after it; the console quiet.
import { vi } from 'vitest';
import { afterEach, beforeEach } from 'vitest';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV } from './lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver.ts';

export interface LambdaMetricsHarness {
  readonly receiver: OtlpReceiver;
  readonly observability: LambdaObservability | undefined;
  setup(env?: Record<string, string>, create?: typeof createLambdaObservability, options?: { metrics?: false }): LambdaObservability;
}

export function useLambdaMetricsHarness(): LambdaMetricsHarness {
  let receiver: OtlpReceiver | undefined;
  let observability: LambdaObservability | undefined;
  const quiet = { log: console.log, error: console.error, warn: console.warn };
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
    console.log = () => {};
    console.warn = () => {};
  });
  afterEach(async () => {
    await observability?.shutdown();
    observability = undefined;
    Object.assign(console, quiet);
    await receiver?.close();
  });
  return {
    get receiver() {
      if (receiver === undefined) throw new Error('the receiver starts in beforeEach');
      return receiver;
    },
    get observability() {
      return observability;
    },
    setup(env = {}, create = createLambdaObservability, options = {}) {
      observability = create(
        { postResponseFlush: false, ...options },
        { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: this.receiver.url, ...env },
      );
      return observability;
    },
  };
}

/**
 * The Lambda entry point imported afresh, as a cold start imports it: its import registers the process's meter
 * provider (the previous test's shutdown, the last of its process, unregistered the one before).
 */
export async function coldImport(): Promise<typeof createLambdaObservability> {
  vi.resetModules();
  return (await import('../../src/lambda.ts')).createLambdaObservability;
}
