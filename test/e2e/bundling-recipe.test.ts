import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeApiServer } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { createConsumerProject, recipe, type ConsumerProject } from '../helpers/consumer-project.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { diagnosticLines } from '../helpers/sinks.ts';

// docs/bundling.md, "Lambda": its command, exactly as the page shows it, run in a fresh project that has the
// library installed as the package holds it, on a handler that bundles the AWS SDK (a CommonJS package that
// requires Node built-ins), then the bundle run under the local Runtime API.

const LAMBDA_RECIPE = recipe(readFileSync('docs/bundling.md', 'utf8'), 'lambda');
const HANDLER = `import { SQSClient } from '@aws-sdk/client-sqs';
import { observeAwsClient } from 'faas-observability/aws';
import { withObservability } from 'faas-observability/lambda';

const sqs = observeAwsClient(new SQSClient({ region: 'eu-west-1' }));

export const handler = withObservability(async (event: { id: string }) => {
  console.log('order', event.id, typeof sqs.send);
  return { statusCode: 200, body: event.id };
});
`;

let project: ConsumerProject;
let receiver: OtlpReceiver;
beforeAll(() => {
  project = createConsumerProject({ type: 'module' });
  project.write('src/handler.ts', HANDLER);
}, 120_000);
afterAll(async () => {
  await receiver?.close();
  project?.remove();
});

describe('the Lambda bundling recipe of docs/bundling.md', () => {
  it('builds a handler that imports @aws-sdk/client-sqs; it loads under the Runtime API and its span and log arrive', async () => {
    project.run(LAMBDA_RECIPE);
    receiver = await startOtlpReceiver();
    const lambda = await RuntimeApiServer.start({
      taskRoot: join(project.dir, 'dist'),
      handler: 'handler.handler',
      functionName: 'orders',
      timeoutMs: 30_000,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '10000' },
    });
    const result = await lambda.invoke({ id: 'o-1' });
    await lambda.stop();
    expect(result).toMatchObject({ status: 'success', payload: JSON.stringify({ statusCode: 200, body: 'o-1' }) });
    const span = receiver.spans.find((s) => s.attributes['faas.invocation_id'] === result.requestId);
    expect(span?.resource['service.name']).toBe('orders');
    expect(receiver.logs.find((l) => l.body === 'order o-1 function')?.spanId).toBe(span?.spanId);
    expect(diagnosticLines(lambda)).toEqual([]);
  }, 120_000);

  it('needs its banner: the same command without it builds a bundle that fails at load on the SDK', () => {
    const withoutBanner = LAMBDA_RECIPE.replace(/\s*"--banner:js=[^"]*"/, '').replace(/--outdir=dist/, '--outdir=dist-no-banner');
    expect(withoutBanner).not.toContain('--banner');
    project.run(withoutBanner);
    expect(() => project.run('node dist-no-banner/handler.mjs')).toThrow(/Dynamic require of "(node:)?\w+" is not supported/);
  }, 120_000);
});
