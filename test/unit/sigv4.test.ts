import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { signSigV4, SigningKeyCache } from '../../src/aws/sigv4.ts';
import { verifySigV4 } from '../helpers/sigv4-verifier.ts';

interface Vector {
  name: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  sessionToken?: string;
  authorization: string;
}
const suite = JSON.parse(readFileSync(new URL('../fixtures/sigv4-test-suite.json', import.meta.url), 'utf8')) as {
  host: string;
  region: string;
  service: string;
  date: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  vectors: Vector[];
};

function urlOf(vector: Vector): string {
  const url = new URL(`https://${suite.host}${vector.path}`);
  for (const [key, value] of Object.entries(vector.query)) url.searchParams.append(key, value);
  return url.href;
}

describe("the SigV4 signer against AWS's Signature V4 test suite", () => {
  it.each(suite.vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const headers = await signSigV4(
      { method: vector.method, url: urlOf(vector), headers: vector.headers, body: vector.body ?? '' },
      { region: suite.region, service: suite.service },
      { ...suite.credentials, sessionToken: vector.sessionToken },
      new Date(suite.date),
    );
    expect(headers.authorization).toBe(vector.authorization);
    expect(headers['x-amz-date']).toBe('20150830T123600Z');
    if (vector.sessionToken) expect(headers['x-amz-security-token']).toBe(vector.sessionToken);
  });
});

describe('the SigV4 signer against an independent verifier (node:crypto, its own canonicalisation)', () => {
  const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret/with+chars', sessionToken: 'token==' };
  const body = new Uint8Array([0x0a, 0x03, 0x01, 0x02, 0xff]);

  it('a signed OTLP request verifies; a changed body, header, secret or service does not', async () => {
    const request = {
      method: 'POST',
      url: 'https://xray.eu-west-1.amazonaws.com/v1/traces',
      headers: { 'Content-Type': 'application/x-protobuf', 'x-aws-log-group': '/my  group' },
      body,
    };
    const signed = await signSigV4(request, { region: 'eu-west-1', service: 'xray' }, credentials);
    const check = (overrides: Partial<Parameters<typeof verifySigV4>[0]> = {}) =>
      verifySigV4({
        method: 'POST',
        path: '/v1/traces',
        host: 'xray.eu-west-1.amazonaws.com',
        headers: signed,
        body,
        secrets: { AKIDTEST: credentials.secretAccessKey },
        ...overrides,
      });
    expect(check()).toEqual({ ok: true, service: 'xray', region: 'eu-west-1' });
    expect(check({ body: new Uint8Array([1]) }).ok).toBe(false);
    expect(check({ headers: { ...signed, 'x-aws-log-group': 'other' } }).ok).toBe(false);
    expect(check({ secrets: { AKIDTEST: 'wrong' } }).ok).toBe(false);
    expect(check({ headers: { ...signed, authorization: signed.authorization!.replace('/xray/', '/logs/') } }).ok).toBe(false);
  });

  it('derives the signing key once per secret, day, region and service', async () => {
    const cache = new SigningKeyCache();
    const scope = { region: 'eu-west-1', service: 'logs' };
    const first = cache.get('s', '20261125', scope);
    expect(cache.get('s', '20261125', scope)).toBe(first);
    expect(cache.get('rotated', '20261125', scope)).not.toBe(first);
    // The key the verifier derives with node:crypto is the same bytes.
    const expected = ['20261125', 'eu-west-1', 'logs', 'aws4_request'].reduce<Buffer>(
      (key, part) => createHmac('sha256', key).update(part).digest(),
      Buffer.from('AWS4s'),
    );
    expect(Buffer.from(await cache.get('s', '20261125', scope)).equals(expected)).toBe(true);
  });
});
