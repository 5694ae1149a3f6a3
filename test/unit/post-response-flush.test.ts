import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import { postResponseFlushUnavailable } from '../../src/lambda/post-response-flush.ts';

const ON_LAMBDA = { AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9001', AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand' };

describe('where the flush after the response turns itself off', () => {
  it('works on Lambda (on demand or provisioned), not without a Runtime API', () => {
    expect(postResponseFlushUnavailable(ON_LAMBDA)).toBeUndefined();
    expect(postResponseFlushUnavailable({ ...ON_LAMBDA, AWS_LAMBDA_INITIALIZATION_TYPE: 'provisioned-concurrency' })).toBeUndefined();
    expect(postResponseFlushUnavailable({})).toMatch(/no AWS_LAMBDA_RUNTIME_API/);
  });

  it('off on Lambda Managed Instances (either variable) and SnapStart', () => {
    expect(postResponseFlushUnavailable({ ...ON_LAMBDA, AWS_LAMBDA_MAX_CONCURRENCY: '8' })).toMatch(/Managed Instances/);
    expect(postResponseFlushUnavailable({ ...ON_LAMBDA, AWS_LAMBDA_INITIALIZATION_TYPE: 'lambda-managed-instances' })).toMatch(
      /Managed Instances/,
    );
    expect(postResponseFlushUnavailable({ ...ON_LAMBDA, AWS_LAMBDA_INITIALIZATION_TYPE: 'snap-start' })).toMatch(/SnapStart/);
  });

  it('off in a worker thread', async () => {
    const source = `
      import { parentPort } from 'node:worker_threads';
      import { postResponseFlushUnavailable } from ${JSON.stringify(new URL('../../src/lambda/post-response-flush.ts', import.meta.url).href)};
      parentPort.postMessage(postResponseFlushUnavailable(${JSON.stringify(ON_LAMBDA)}));`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`));
    const reason = await new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    await worker.terminate();
    expect(reason).toMatch(/main thread/);
  });

  it('one switch: the option, else FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH, else on', () => {
    expect(resolveConfig({}, {}).postResponseFlush).toBe(true);
    expect(resolveConfig({}, { FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false' }).postResponseFlush).toBe(false);
    expect(resolveConfig({ postResponseFlush: true }, { FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'false' }).postResponseFlush).toBe(true);
    expect(resolveConfig({ postResponseFlush: false }, {}).postResponseFlush).toBe(false);
    expect(resolveConfig({}, { FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH: 'maybe' }).warnings).toHaveLength(1);
  });
});
