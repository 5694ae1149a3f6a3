import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEdgeBundle, type Artifact } from '../../tools/build-artifacts.ts';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { startSignedOtlpReceiver, type SignedOtlpReceiver } from '../helpers/sigv4-receiver.ts';
import { diagnosticLines } from '../helpers/sinks.ts';
import { buildFixtureFunction, buildExampleFunction } from '../helpers/build-function.ts';

let artifact: Artifact;
beforeAll(async () => {
  artifact = await buildFixtureFunction('aws-direct');
}, 60_000);

describe('the aws-direct function under the Runtime API (frozen at every /next) → a SigV4-verifying server', () => {
  let receiver: SignedOtlpReceiver;
  let lambda: RuntimeApiServer;
  const results: InvocationResult[] = [];

  beforeAll(async () => {
    receiver = await startSignedOtlpReceiver({ ASIAE2E: 'e2e-secret' });
    lambda = await RuntimeApiServer.start({
      taskRoot: artifact.dir,
      handler: 'index.handler',
      functionName: 'aws-direct',
      env: {
        SIGNED_OTLP_URL: receiver.url,
        AWS_ACCESS_KEY_ID: 'ASIAE2E',
        AWS_SECRET_ACCESS_KEY: 'e2e-secret',
        AWS_SESSION_TOKEN: 'session',
      },
    });
    for (let n = 0; n < 3; n++) results.push(await lambda.invoke({ n }));
    await lambda.stop();
  }, 60_000);
  afterAll(async () => {
    await lambda?.stop();
    await receiver?.close();
  });

  it('every request was signed for its service with the role credentials, and every span, log and metric arrived', () => {
    expect(results.map((r) => r.status)).toEqual(['success', 'success', 'success']);
    expect(receiver.checks.length).toBeGreaterThanOrEqual(9);
    expect(receiver.checks.filter((c) => !c.verification.ok)).toEqual([]);
    expect(
      new Set(receiver.checks.map((c) => `${c.path} ${c.verification.ok && c.verification.service} ${c.headers['x-amz-security-token']}`)),
    ).toEqual(new Set(['/v1/traces xray session', '/v1/logs logs session', '/v1/metrics monitoring session']));
    const invocations = receiver.metrics.filter((m) => m.name === 'faas.invocations').flatMap((m) => m.points);
    expect(invocations.reduce((sum, point) => sum + Number(point.value), 0)).toBe(3);
    expect(receiver.spans).toHaveLength(3);
    expect(receiver.logs.map((l) => l.body).sort()).toEqual(['signed 0', 'signed 1', 'signed 2']);
    expect(diagnosticLines(lambda)).toEqual([]);
  });
});

describe('the opt-in entry point costs nothing to bundles that do not import it', () => {
  const awsFiles = (inputs: string[]) => inputs.filter((path) => /sigv4|aws-otlp|aws-endpoints/.test(path));

  it('a Lambda bundle without it has no signer; with it, the signer and awsOtlp (sizes in the test output)', async () => {
    const orders = await buildExampleFunction('orders-api');
    const inputsOf = (a: Artifact) => Object.keys(JSON.parse(readFileSync(join(a.dir, 'meta.json'), 'utf8')).inputs as object);
    const without = inputsOf(orders);
    // The config check for AWS hosts lives in core (a few hundred bytes): it warns users who point at AWS without the entry.
    expect(awsFiles(without)).toEqual(['src/core/config/aws-endpoints.ts']);
    for (const file of [...orders.coldStartFiles, ...orders.lazyFiles])
      expect(readFileSync(join(orders.dir, file), 'utf8'), file).not.toContain('AWS4-HMAC-SHA256');
    expect(awsFiles(inputsOf(artifact)).sort()).toEqual(['src/aws/aws-otlp.ts', 'src/aws/sigv4.ts', 'src/core/config/aws-endpoints.ts']);
    console.info(`loaded at a cold start: orders-api ${orders.bytes} bytes; aws-direct ${artifact.bytes} bytes`);
  }, 60_000);

  it('an edge bundle with it uses WebCrypto only: no Node built-in but node:async_hooks', async () => {
    const { inputs, code } = await buildEdgeBundle('test/edge/fixtures/aws-worker.ts', '.cache/edge/check-aws-worker.mjs');
    expect(awsFiles(inputs)).toContain('src/aws/sigv4.ts');
    expect([...code.matchAll(/["'](node:[\w/]+)["']/g)].map((m) => m[1])).toEqual(['node:async_hooks']);
    expect(code).toContain('crypto.subtle');
  }, 60_000);
});
