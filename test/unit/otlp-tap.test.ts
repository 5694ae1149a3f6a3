import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closedEndpoint, startLoopbackServer } from '../../src/cli/loopback.ts';
import { startOtlpTap } from '../../src/cli/otlp-tap.ts';
import { encodeSpans } from '../../src/exporters/otlp/encode-spans.ts';
import { handSpans } from '../helpers/otlp-batches.ts';

// The pass-through `faas-observability invoke --endpoint` puts between the function and the collector.

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

function post(url: string, body: Uint8Array): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('startOtlpTap', () => {
  it("forwards to the signal's path under the endpoint's own path, as the exporters read OTEL_EXPORTER_OTLP_ENDPOINT", async () => {
    const collector = await startLoopbackServer();
    closers.push(collector.close);
    const tap = await startOtlpTap(`${collector.url}/otlp`);
    closers.push(tap.close);
    expect(await post(`${tap.url}/v1/traces`, encodeSpans(handSpans()))).toBe(200);
    expect(collector.requests.map((r) => r.path)).toEqual(['/otlp/v1/traces']);
    expect(tap.report.upstream).toEqual(['200']);
  });

  it('shows what was exported when the endpoint is down, once however often it is retried, and why it was not delivered', async () => {
    const tap = await startOtlpTap(await closedEndpoint());
    closers.push(tap.close);
    const body = encodeSpans(handSpans());
    expect(await post(`${tap.url}/v1/traces`, body)).toBe(502);
    expect(await post(`${tap.url}/v1/traces`, body)).toBe(502);
    expect(tap.report.spans).toHaveLength(handSpans().length);
    expect(tap.report.upstream).toEqual([
      expect.stringMatching(/^not delivered: connect ECONNREFUSED/),
      expect.stringMatching(/^not delivered: connect ECONNREFUSED/),
    ]);
  });
});
