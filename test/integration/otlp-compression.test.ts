import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOtlpSpanExporter } from '../../src/exporters/otlp/otlp-exporter.ts';
import { createLambdaObservability, type LambdaObservability } from '../../src/lambda.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';
import { collectorAvailability, startCollector } from '../helpers/collector.ts';

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
const quiet = console.log;

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  console.log = () => {};
});
afterEach(async () => {
  await observability?.shutdown();
  observability = undefined;
  console.log = quiet;
  await receiver.close();
});

async function invokeWith(endpoint: string, env: Record<string, string>, options = {}) {
  observability = createLambdaObservability(options, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, ...env });
  const handler = observability.wrap(async (_event: unknown, _context: unknown) => {
    console.log('compressed line', { n: 1 });
    return 'ok';
  });
  expect(await handler({}, lambdaContext())).toBe('ok');
}

const encodings = () => Object.fromEntries(receiver.requests.map((r) => [r.path, r.headers['content-encoding']]));

describe('OTEL_EXPORTER_OTLP_COMPRESSION=gzip', () => {
  it('gzips every signal on Lambda (content-encoding: gzip), and the records arrive whole', async () => {
    await invokeWith(receiver.url, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(encodings()).toEqual({ '/v1/traces': 'gzip', '/v1/logs': 'gzip', '/v1/metrics': 'gzip' });
    expect(receiver.spans).toHaveLength(1);
    expect(receiver.metrics.find((m) => m.name === 'faas.invocations')).toBeDefined();
    expect(receiver.logs.map((l) => l.body)).toEqual(['compressed line { n: 1 }']);
  });

  it('the per-signal variable wins over the shared one, and the option over both', async () => {
    await invokeWith(receiver.url, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: 'none' });
    expect(encodings()).toEqual({ '/v1/traces': 'gzip', '/v1/logs': undefined, '/v1/metrics': 'gzip' });
    await observability!.shutdown();
    receiver.requests.length = 0;
    await invokeWith(
      receiver.url,
      { OTEL_EXPORTER_OTLP_COMPRESSION: 'none', OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'none' },
      { compression: 'gzip' },
    );
    expect(encodings()).toEqual({ '/v1/traces': 'gzip', '/v1/logs': 'gzip', '/v1/metrics': 'gzip' });
  });

  it('without a compressor (the edge passes none) the body is sent as is, never labelled gzip', async () => {
    const exporter = createOtlpSpanExporter({ url: `${receiver.url}/v1/traces`, timeoutMs: 1000, compression: 'gzip' });
    await new Promise((resolve) => exporter.export([], resolve));
    expect(receiver.requests.map((r) => r.headers['content-encoding'])).toEqual([undefined]);
  });
});

const availability = collectorAvailability();
describe.skipIf(!availability.run)(`the real collector takes gzip requests ${availability.reason}`, () => {
  it('a gzipped span and log record arrive in the collector', async () => {
    const collector = await startCollector();
    try {
      await invokeWith(collector.endpoint, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    } finally {
      await observability?.shutdown();
      observability = undefined;
    }
    const received = await collector.stop();
    expect(received.spans).toHaveLength(1);
    expect(received.logs.map((l) => l.body)).toEqual(['compressed line { n: 1 }']);
  }, 30_000);
});
