import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LambdaObservability } from '../../src/lambda.ts';
import { encodePartialSuccess } from '../../tools/otlp-decode.ts';
import { startLoopbackServer, type LoopbackServer } from '../../tools/loopback.ts';
import { LAMBDA_ENV, lambdaContext } from '../helpers/lambda-context.ts';
import { loadWithRecordedConsole } from '../helpers/observability.ts';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.ts';

// What a collector (or whoever answers in its place) and a bad environment can do to the export path on
// Lambda, through the whole wrapper: the handler's promise settles, the collector is not taken for dead when
// it only rejected a batch, and nothing it says can forge a diagnostic line.

let receiver: OtlpReceiver;
let observability: LambdaObservability | undefined;
let written: string[];
let create: (env: Record<string, string>) => LambdaObservability;
const saved = { log: console.log, warn: console.warn, error: console.error, write: process.stdout.write };

beforeEach(async () => {
  receiver = await startOtlpReceiver();
  let createLambdaObservability: Awaited<ReturnType<typeof loadWithRecordedConsole>>['createLambdaObservability'];
  ({ written, createLambdaObservability } = await loadWithRecordedConsole());
  create = (env) => (observability = createLambdaObservability({}, { ...LAMBDA_ENV, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env }));
  // The stdout last resort: kept out of the test output.
  process.stdout.write = (() => true) as typeof process.stdout.write;
});
afterEach(async () => {
  process.stdout.write = saved.write;
  await observability?.shutdown();
  observability = undefined;
  Object.assign(console, { log: saved.log, warn: saved.warn, error: saved.error });
  await receiver.close();
});

const handler = async (event: { tag: string }, _context: unknown) => {
  console.log(`${event.tag} line`);
  return event.tag;
};
const received = (tag: string) => receiver.logs.filter((log) => log.body === `${tag} line`);

describe('an export header HTTP does not allow (OTEL_EXPORTER_OTLP_HEADERS=x-api-key=caf%E2%82%AC)', () => {
  it('is reported once at setup and dropped: every invocation settles and delivers', async () => {
    const wrapped = create({ OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=caf%E2%82%AC' }).wrap(handler);
    for (const tag of ['first', 'second', 'third']) {
      await expect(wrapped({ tag }, lambdaContext())).resolves.toBe(tag);
      expect(received(tag)).toHaveLength(1);
    }
    expect(written).toHaveLength(1);
    expect(written[0]).toContain('OTEL_EXPORTER_OTLP_HEADERS: header "x-api-key" has a value HTTP does not allow');
    expect(written[0]).not.toContain('caf');
    expect(receiver.requests.every((request) => request.headers['x-api-key'] === undefined)).toBe(true);
  });
});

describe('a collector that answers with words of its own', () => {
  let server: LoopbackServer;
  afterEach(() => server.close());

  it('a partial_success message with newlines and ANSI escapes cannot forge a diagnostic line', async () => {
    const forged = 'too old\n[faas-observability] all good, nothing was lost\x1b[2K\r\u2028' + 'x'.repeat(5000);
    server = await startLoopbackServer({
      headers: { 'content-type': 'application/x-protobuf' },
      handle: (request) => ({ status: 200, body: encodePartialSuccess(request.path.endsWith('/v1/logs') ? 'logs' : 'traces', 1, forged) }),
    });
    await create({ OTEL_EXPORTER_OTLP_ENDPOINT: server.url }).wrap(handler)({ tag: 'partial' }, lambdaContext());
    expect(written).toHaveLength(1);
    const line = written[0]!;
    expect(line).toContain('rejected by the endpoint (partial success)');
    expect(line).toContain('the endpoint said "too old\\x0a[faas-observability] all good');
    expect(['\n', '\r', '\x1b', '\u2028'].filter((char) => line.includes(char))).toEqual([]);
    expect(line.length).toBeLessThan(2000);
  });
});

describe('a 4xx whose body is slow or huge', () => {
  it('counts as a rejected batch, not an outage: the next invocation still goes to the collector', async () => {
    // The body stalls after its first bytes: reading it whole would run into the export timeout.
    receiver.behave({ status: 400, stallBody: true, times: 2 });
    const wrapped = create({ FAAS_OBSERVABILITY_FLUSH_BUDGET_MS: '5000', OTEL_EXPORTER_OTLP_TIMEOUT: '2000' }).wrap(handler);
    await wrapped({ tag: 'rejected' }, lambdaContext());
    expect(written.join('\n')).toContain('HTTP 400 Bad Request');
    expect(written.join('\n')).not.toMatch(/no answer|circuit/);
    await wrapped({ tag: 'next' }, lambdaContext());
    expect(received('next')).toHaveLength(1);
  });
});
