import { InMemoryLogRecordExporter } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';

let observability: LambdaObservability | undefined;
const log = console.log;
afterEach(async () => {
  await observability?.shutdown();
  delete process.env.AWS_LAMBDA_RUNTIME_API;
  console.log = log;
});

describe('createLambdaObservability(options, env) with an env of its own, on Lambda', () => {
  it('hands the init-log capture over as withObservability does: init and handler logs are exported', async () => {
    console.log = () => {};
    // On Lambda the runtime API is set before the handler module loads; the capture starts at import.
    process.env.AWS_LAMBDA_RUNTIME_API = '127.0.0.1:9001';
    vi.resetModules();
    const { createLambdaObservability } = await import('../../src/lambda.ts');
    console.log('connecting during init');
    const logs = new InMemoryLogRecordExporter();
    observability = createLambdaObservability({ logExporter: logs, spanExporter: new InMemorySpanExporter() }, { ...LAMBDA_ENV });
    await observability.wrap(async (_event: unknown, _context: unknown) => console.log('in the handler'))({}, lambdaContext());
    expect(logs.getFinishedLogRecords().map((r) => r.body)).toEqual(['connecting during init', 'in the handler']);
  });
});
