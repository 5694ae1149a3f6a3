import { SeverityNumber, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import snappy from 'snappyjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeLokiPush, prometheusLabels } from '../../src/exporters/loki/loki-encode.ts';
import { LokiPushExporter } from '../../src/exporters/loki/loki-push.ts';
import { toLokiStreams, truncateUtf8 } from '../../src/exporters/loki/loki-streams.ts';
import { snappyCompress } from '../../src/exporters/loki/snappy.ts';
import { ExportFailure } from '../../src/exporters/export-failure.ts';
import { postWithNodeHttp } from '../../src/exporters/transport/node-http-transport.ts';
import { exportOnce, makeRecords } from '../helpers/log-records.ts';
import { startLokiReceiver, type LokiReceiver } from '../helpers/loki-receiver.ts';

describe('records → Loki streams', () => {
  it('low-cardinality labels, everything else as structured metadata, ns timestamps as strings, ordered per stream', () => {
    const records = makeRecords([
      { body: 'second', time: 1795527060002, attributes: { 'faas.invocation_id': 'req-1', orderId: 42, tags: ['a'] } },
      { body: 'oops', severity: SeverityNumber.ERROR, text: 'ERROR', time: 1795527060001 },
      { body: 'first', time: 1795527060001 },
    ]);
    const streams = toLokiStreams(records);
    expect(streams.map((s) => s.labels)).toEqual([
      {
        service_name: 'orders-api',
        service_namespace: 'shop',
        deployment_environment_name: 'prod',
        cloud_region: 'eu-west-1',
        faas_name: 'orders-api',
        level: 'info',
      },
      {
        service_name: 'orders-api',
        service_namespace: 'shop',
        deployment_environment_name: 'prod',
        cloud_region: 'eu-west-1',
        faas_name: 'orders-api',
        level: 'error',
      },
    ]);
    expect(streams[0]!.entries.map((e) => [e.timestampNs, e.line])).toEqual([
      ['1795527060001000000', 'first'],
      ['1795527060002000000', 'second'],
    ]);
    expect(streams[0]!.entries[1]!.metadata).toEqual({ severity_number: '9', faas_invocation_id: 'req-1', orderId: '42', tags: '["a"]' });
  });

  it('carries trace_id and span_id from the record', () => {
    const context = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: 1,
    });
    const records = makeRecords([{ body: 'x', context }]);
    expect(toLokiStreams(records)[0]!.entries[0]!.metadata).toMatchObject({
      trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
      span_id: '00f067aa0ba902b7',
    });
  });

  it("cuts lines and metadata at Loki's limits with a marker instead of a 400 for the whole batch", () => {
    const attributes = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 'v'.repeat(50)]));
    const [stream] = toLokiStreams(makeRecords([{ body: 'é'.repeat(300_000), attributes }]), {
      maxLineBytes: 1000,
      maxMetadataBytes: 4096,
      maxMetadataEntries: 30,
    });
    const entry = stream!.entries[0]!;
    expect(new TextEncoder().encode(entry.line).length).toBeLessThanOrEqual(1000);
    expect(entry.line.endsWith('…[truncated]')).toBe(true);
    expect(Object.keys(entry.metadata).length).toBeLessThanOrEqual(30);
    // The SDK keeps 128 attributes per record; 29 fit the 30 entries beside severity_number.
    expect(entry.metadata.truncated_attributes).toBe('99');
    // The marker is 14 bytes; a 4-byte emoji is kept whole or not at all.
    expect(truncateUtf8('😀😀😀😀😀', 18)).toBe('😀…[truncated]');
    expect(truncateUtf8('😀😀😀😀😀', 17)).toBe('…[truncated]');
    expect(truncateUtf8('short', 18)).toBe('short');
  });

  it('escapes label values the Prometheus way for protobuf', () => {
    expect(prometheusLabels({ a: 'say "hi"\\\n' })).toBe('{a="say \\"hi\\"\\\\\\n"}');
  });
});

describe('snappy', () => {
  it.each([
    ['empty', new Uint8Array(0)],
    ['random 100 KiB', new Uint8Array(randomBytes(100 * 1024))],
    ['repetitive 300 KiB', new TextEncoder().encode('{"level":"info","msg":"order loaded"}\n'.repeat(8000))],
    ['short', new TextEncoder().encode('abcabcabcabc')],
  ])('%s round-trips through an independent decoder', (_name, input) => {
    const compressed = snappyCompress(input);
    expect(Buffer.from(snappy.uncompress(compressed)).equals(Buffer.from(input))).toBe(true);
  });

  it('compresses repetitive log lines', () => {
    const input = new TextEncoder().encode('{"level":"info","msg":"order loaded"}\n'.repeat(8000));
    expect(snappyCompress(input).length).toBeLessThan(input.length / 10);
  });
});

describe('LokiPushExporter against a loopback Loki push endpoint', () => {
  let loki: LokiReceiver;
  beforeEach(async () => {
    loki = await startLokiReceiver();
  });
  afterEach(() => loki.close());

  const push = (
    exporter: LokiPushExporter,
    records = makeRecords([{ body: 'one', attributes: { 'log.record.uid': 'u-1' } }, { body: 'two' }]),
  ) => exportOnce(exporter, records);

  it.each(['json', 'json-gzip', 'protobuf'] as const)('%s bodies pass the push schema and carry every record', async (format) => {
    const result = await push(new LokiPushExporter({ url: loki.url, format, timeoutMs: 1000, transport: postWithNodeHttp }));
    expect(result.code).toBe(0);
    expect(loki.invalid).toEqual([]);
    expect(loki.entries.map((e) => [e.line, e.labels.service_name, e.metadata.log_record_uid])).toEqual([
      ['one', 'orders-api', 'u-1'],
      ['two', 'orders-api', undefined],
    ]);
    expect(loki.requests[0]!.format).toBe(
      { json: 'application/json', 'json-gzip': 'application/json+gzip', protobuf: 'application/x-protobuf' }[format],
    );
  });

  it('sends the tenant and basic auth, or a bearer token, as headers', async () => {
    await push(new LokiPushExporter({ url: loki.url, tenant: 'team-a', basicAuth: { username: 'u', password: 'p' }, timeoutMs: 1000 }));
    await push(new LokiPushExporter({ url: `${loki.url}/loki/api/v1/push`, bearerToken: 'tok', timeoutMs: 1000 }));
    expect(loki.requests[0]!.headers).toMatchObject({
      'x-scope-orgid': 'team-a',
      authorization: `Basic ${Buffer.from('u:p').toString('base64')}`,
    });
    expect(loki.requests[1]!.headers.authorization).toBe('Bearer tok');
  });

  it('retries 429 honouring Retry-After and 5xx, never another 4xx', async () => {
    loki.behave({ status: 429, headers: { 'retry-after': '0' }, times: 1 });
    expect((await push(new LokiPushExporter({ url: loki.url, timeoutMs: 1000 }))).code).toBe(0);
    loki.behave({ status: 503, times: 1 });
    expect((await push(new LokiPushExporter({ url: loki.url, timeoutMs: 1000 }))).code).toBe(0);
    loki.behave({ status: 400 });
    const rejected = await push(new LokiPushExporter({ url: loki.url, timeoutMs: 1000 }));
    expect(rejected.code).toBe(1);
    expect((rejected.error as ExportFailure).unavailable).toBe(false);
    expect(loki.requests.map((r) => r.format)).toHaveLength(5);
  });

  it('does not wait for a Retry-After past its timeout: one attempt, and an answer long before the timeout', async () => {
    loki.behave({ status: 429, headers: { 'retry-after': '30' } });
    const started = performance.now();
    const result = await push(new LokiPushExporter({ url: loki.url, timeoutMs: 10_000 }));
    expect(result.code).toBe(1);
    expect((result.error as ExportFailure).unavailable).toBe(true);
    expect(loki.requests).toHaveLength(1);
    // Waiting for the Retry-After (30 s) or for the timeout (10 s) would both miss this by 10x or more.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('never prints credentials in its errors', async () => {
    loki.behave({ status: 401 });
    const result = await push(
      new LokiPushExporter({
        url: loki.url,
        bearerToken: 'sekret-token',
        basicAuth: { username: 'u', password: 'pw-sekret' },
        timeoutMs: 300,
      }),
    );
    const text = `${result.error?.message} ${(result.error?.cause as Error)?.message}`;
    expect(text).toMatch(/HTTP 401/);
    expect(text).not.toMatch(/sekret/);
  });
});

describe('gzip body is real gzip', () => {
  it('decompresses to the JSON push body', async () => {
    const streams = toLokiStreams(makeRecords([{ body: 'zipped' }]));
    const { body } = await encodeLokiPush(streams, 'json-gzip');
    expect(JSON.parse(gunzipSync(body as Uint8Array).toString()).streams[0].values[0][1]).toBe('zipped');
  });
});
