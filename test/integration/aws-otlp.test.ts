import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { awsOtlp, awsRequestSigner } from '../../src/aws.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';
import type { LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startSignedOtlpReceiver, type SignedOtlpReceiver } from '../helpers/sigv4-receiver.ts';
import { verifySigV4 } from '../helpers/sigv4-verifier.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';

const KEYS = { AKIDFIRST: 'first-secret', AKIDROTATED: 'rotated-secret' };
let receiver: SignedOtlpReceiver;
let observability: LambdaObservability | undefined;
const saved = { log: console.log, error: console.error, warn: console.warn, info: console.info };

beforeEach(async () => {
  receiver = await startSignedOtlpReceiver(KEYS);
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, saved);
  await receiver.close();
});

/** A Lambda setup whose traces and logs go to the verifying receiver through `awsOtlp`, credentials from `env`. */
async function setup(env: Record<string, string | undefined>, settings: Parameters<typeof awsOtlp>[0] = {}) {
  const { written, createLambdaObservability: create } = await loadWithRecordedConsole();
  observability = create(
    awsOtlp({
      tracesEndpoint: `${receiver.url}/v1/traces`,
      logsEndpoint: `${receiver.url}/v1/logs`,
      metricsEndpoint: `${receiver.url}/v1/metrics`,
      logGroup: '/otel/orders',
      logStream: 'orders-api',
      env,
      ...settings,
    }),
    { ...LAMBDA_ENV },
  );
  const wrapped = observability.wrap(async (event: { n: number }, _context: unknown) => {
    console.info(`order ${event.n}`);
    return event.n;
  });
  return { written, invoke: (n: number) => wrapped({ n }, lambdaContext()) };
}

describe('awsOtlp → SigV4-signed OTLP → a server that verifies signatures itself', () => {
  it('signs traces for xray, logs for logs and metrics for monitoring with the role credentials; log headers only on logs requests', async () => {
    const env = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDFIRST',
      AWS_SECRET_ACCESS_KEY: 'first-secret',
      AWS_SESSION_TOKEN: 'tok',
    };
    const { invoke, written } = await setup(env);
    await invoke(1);
    expect(receiver.checks.map((c) => c.verification)).toEqual(
      expect.arrayContaining([
        { ok: true, service: 'xray', region: 'eu-west-1' },
        { ok: true, service: 'logs', region: 'eu-west-1' },
        { ok: true, service: 'monitoring', region: 'eu-west-1' },
      ]),
    );
    expect(receiver.checks.every((c) => c.verification.ok)).toBe(true);
    expect(receiver.checks.find((c) => c.path === '/v1/metrics')?.headers).not.toHaveProperty('x-aws-log-group');
    expect(receiver.spans).toHaveLength(1);
    expect(receiver.logs.map((l) => l.body)).toEqual(['order 1']);
    expect(receiver.metrics.find((m) => m.name === 'faas.invocations')).toBeDefined();
    const traces = receiver.checks.find((c) => c.path === '/v1/traces')!;
    const logs = receiver.checks.find((c) => c.path === '/v1/logs')!;
    expect(logs.headers).toMatchObject({
      'x-aws-log-group': '/otel/orders',
      'x-aws-log-stream': 'orders-api',
      'x-amz-security-token': 'tok',
    });
    expect(traces.headers).not.toHaveProperty('x-aws-log-group');
    expect(written.filter((line) => line.includes('[faas-observability]'))).toEqual([]);
  });

  it('re-reads the credentials at every request, so rotated ones are used', async () => {
    const env: Record<string, string | undefined> = {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'AKIDFIRST',
      AWS_SECRET_ACCESS_KEY: 'first-secret',
    };
    const { invoke } = await setup(env);
    await invoke(1);
    env.AWS_ACCESS_KEY_ID = 'AKIDROTATED';
    env.AWS_SECRET_ACCESS_KEY = 'rotated-secret';
    await invoke(2);
    const keyIds = receiver.checks.map((c) => /Credential=(\w+)\//.exec(String(c.headers.authorization))![1]);
    // Three requests per invocation: traces, logs and metrics.
    expect(new Set(keyIds.slice(0, 3))).toEqual(new Set(['AKIDFIRST']));
    expect(new Set(keyIds.slice(3))).toEqual(new Set(['AKIDROTATED']));
    expect(keyIds).toHaveLength(6);
    expect(receiver.checks.every((c) => c.verification.ok)).toBe(true);
    expect(receiver.logs.map((l) => l.body)).toEqual(['order 1', 'order 2']);
  });

  it('a wrong secret is refused (403): the records take the stdout fallback and the diagnostic line says so', async () => {
    const { invoke, written } = await setup({ AWS_ACCESS_KEY_ID: 'AKIDFIRST', AWS_SECRET_ACCESS_KEY: 'not-the-secret' });
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stdout.write;
    try {
      await invoke(1);
    } finally {
      process.stdout.write = write;
    }
    expect(receiver.checks.some((c) => c.verification.ok)).toBe(false);
    expect(lines.some((line) => line.includes('"undelivered_log_record":true'))).toBe(true);
    expect(written.join('\n')).toMatch(/HTTP 403/);
  });

  it('no credentials: the export fails as a value, naming what is missing, and the handler is untouched', async () => {
    const { invoke, written } = await setup({}, {});
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => String(chunk).includes('undelivered') || write.call(process.stdout, chunk)) as typeof write;
    try {
      await expect(invoke(7)).resolves.toBe(7);
    } finally {
      process.stdout.write = write;
    }
    expect(receiver.checks).toEqual([]);
    expect(written.join('\n')).toMatch(/could not sign/);
  });

  it('a bearer API key authenticates logs instead of SigV4 (traces stay signed)', async () => {
    const { invoke } = await setup({ AWS_ACCESS_KEY_ID: 'AKIDFIRST', AWS_SECRET_ACCESS_KEY: 'first-secret' }, { apiKey: 'ACWLsecret' });
    await invoke(1);
    const logs = receiver.checks.find((c) => c.path === '/v1/logs')!;
    expect(logs.headers.authorization).toBe('Bearer ACWLsecret');
    expect(receiver.checks.find((c) => c.path === '/v1/traces')!.verification.ok).toBe(true);
  });

  it('partial_success answers are counted in the per-invocation diagnostic line, with the message', async () => {
    receiver.partialSuccess = { rejected: 1, errorMessage: 'tooOldLogEventCount: 1' };
    const { invoke, written } = await setup({ AWS_ACCESS_KEY_ID: 'AKIDFIRST', AWS_SECRET_ACCESS_KEY: 'first-secret' });
    await invoke(1);
    const line = written.find((l) => l.includes('[faas-observability]'))!;
    expect(line).toContain('1 span(s) rejected by the endpoint (partial success)');
    expect(line).toContain('1 log record(s) rejected by the endpoint (partial success)');
    expect(line).toContain('the endpoint said "tooOldLogEventCount: 1"');
  });
});

describe('configuration checks for the AWS endpoints', () => {
  const region = { AWS_REGION: 'eu-west-1' };
  it('awsOtlp points at the regional X-Ray, CloudWatch Logs and CloudWatch metrics endpoints, logs only with a log group', () => {
    expect(awsOtlp({ env: region, logGroup: 'g', logStream: 's' })).toMatchObject({
      tracesEndpoint: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
      logsEndpoint: 'https://logs.eu-west-1.amazonaws.com/v1/logs',
      metricsEndpoint: 'https://monitoring.eu-west-1.amazonaws.com/v1/metrics',
      headers: { 'x-aws-log-group': 'g', 'x-aws-log-stream': 's' },
    });
    expect(awsOtlp({ env: region })).not.toHaveProperty('logsEndpoint');
    expect(awsOtlp({ env: region, metrics: false })).not.toHaveProperty('metricsEndpoint');
    expect(resolveConfig(awsOtlp({ env: region, logGroup: 'g', logStream: 's' }), {}).warnings).toEqual([]);
  });

  it("CloudWatch's metrics host is signed for monitoring in its own region, without the log headers", async () => {
    const signer = awsRequestSigner({
      region: 'us-east-1',
      env: { AWS_ACCESS_KEY_ID: 'AKIDFIRST', AWS_SECRET_ACCESS_KEY: 'first-secret' },
    });
    const body = new Uint8Array([0x0a, 0x01, 0x02]);
    const signed = await signer({
      url: 'https://monitoring.eu-west-1.amazonaws.com/v1/metrics',
      body,
      headers: { 'content-type': 'application/x-protobuf', 'x-aws-log-group': 'g' },
      timeoutMs: 1000,
      retryableStatuses: new Set(),
    });
    expect(signed.headers).not.toHaveProperty('x-aws-log-group');
    const host = 'monitoring.eu-west-1.amazonaws.com';
    expect(verifySigV4({ method: 'POST', path: '/v1/metrics', host, headers: signed.headers, body, secrets: KEYS })).toEqual({
      ok: true,
      service: 'monitoring',
      region: 'eu-west-1',
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `https://${host}/v1/metrics` }).warnings).toEqual([
      "the metrics endpoint https://monitoring.eu-west-1.amazonaws.com needs SigV4-signed requests: use awsOtlp() from 'faas-observability/aws'",
    ]);
  });

  it('a missing log group or stream, or no signer, is one clear warning each', () => {
    expect(resolveConfig(awsOtlp({ env: region, logGroup: 'g' }), {}).warnings).toEqual([
      'the logs endpoint https://logs.eu-west-1.amazonaws.com needs the x-aws-log-stream header(s): awsOtlp({ logGroup, logStream }) or OTEL_EXPORTER_OTLP_LOGS_HEADERS; it refuses logs without them',
    ]);
    const envOnly = {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://xray.us-east-1.amazonaws.com/v1/traces',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'https://logs.us-east-1.amazonaws.com/v1/logs',
      OTEL_EXPORTER_OTLP_LOGS_HEADERS: 'x-aws-log-group=g,x-aws-log-stream=s',
    };
    expect(resolveConfig({}, envOnly).warnings).toEqual([
      "the traces endpoint https://xray.us-east-1.amazonaws.com needs SigV4-signed requests: use awsOtlp() from 'faas-observability/aws'",
      "the logs endpoint https://logs.us-east-1.amazonaws.com needs SigV4-signed requests or an API key (Authorization: Bearer …): use awsOtlp() from 'faas-observability/aws'",
    ]);
  });

  it("the endpoints' limits apply to the AWS hosts only", () => {
    const config = resolveConfig(awsOtlp({ env: region, logGroup: 'g', logStream: 's' }), {});
    expect(config.traces.limits).toEqual({ maxRequestBytes: 5_000_000, maxItemsPerRequest: 10_000 });
    expect(config.logs.limits).toEqual({ maxRequestBytes: 1024 * 1024, maxItemsPerRequest: 10_000 });
    expect(resolveConfig({}, {}).traces.limits).toEqual({});
  });
});
