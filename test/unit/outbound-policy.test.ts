import { describe, expect, it } from 'vitest';
import { isSigned, shouldPropagate, type PropagationLists } from '../../src/core/outbound/propagation-policy.ts';
import { urlFull } from '../../src/core/outbound/url-full.ts';
import { resolveConfig } from '../../src/core/config/resolve-config.ts';

const request = (url: string, headers: Record<string, string> = {}) => ({ url: new URL(url), header: (name: string) => headers[name] });
const lists = (propagateUrls: PropagationLists['propagateUrls'] = [], dontPropagateUrls: PropagationLists['dontPropagateUrls'] = []) => ({
  propagateUrls,
  dontPropagateUrls,
});

describe('isSigned', () => {
  it.each([
    ['SigV4 Authorization', 'https://sqs.eu-west-1.amazonaws.com/', { authorization: 'AWS4-HMAC-SHA256 Credential=AKID/…' }],
    ['SigV4a Authorization', 'https://s3.amazonaws.com/b/k', { authorization: 'AWS4-ECDSA-P256-SHA256 Credential=AKID/…' }],
    ['presigned SigV4', 'https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=ab', {}],
    ['presigned SigV2', 'https://b.s3.amazonaws.com/k?AWSAccessKeyId=AKID&Expires=1&Signature=ab', {}],
    ['GCS V4 signed URL', 'https://storage.googleapis.com/b/o?X-Goog-Signature=ab', {}],
    ['Azure SAS', 'https://acct.blob.core.windows.net/c/b?sv=2024&sig=ab', {}],
  ])('%s', (_name, url, headers) => {
    expect(isSigned(request(url, headers))).toBe(true);
  });

  it('a bearer token or a plain query is not a signature', () => {
    expect(isSigned(request('https://api.example.com/x?page=2', { authorization: 'Bearer abc' }))).toBe(false);
  });
});

describe('shouldPropagate', () => {
  it('by default: every unsigned destination, AWS API Gateway and Function URLs included', () => {
    expect(shouldPropagate(lists(), request('https://abc.execute-api.eu-west-1.amazonaws.com/prod/orders'))).toBe(true);
    expect(shouldPropagate(lists(), request('https://xyz.lambda-url.eu-west-1.on.aws/'))).toBe(true);
  });

  it('never into a signed request, whatever the lists say', () => {
    const signed = request('https://sqs.eu-west-1.amazonaws.com/', { authorization: 'AWS4-HMAC-SHA256 Credential=…' });
    expect(shouldPropagate(lists(['*']), signed)).toBe(false);
  });

  it('patterns: URL prefixes, hosts, *.domain, RegExps; deny wins over allow', () => {
    const allow = lists(['https://api.example.com/v1', '*.internal.example.com', /\/traced\//], ['https://api.example.com/v1/private']);
    expect(shouldPropagate(allow, request('https://api.example.com/v1/orders'))).toBe(true);
    expect(shouldPropagate(allow, request('https://api.example.com/v2/orders'))).toBe(false);
    expect(shouldPropagate(allow, request('https://API.example.com/v1/private/x'))).toBe(false);
    expect(shouldPropagate(allow, request('https://a.internal.example.com/x'))).toBe(true);
    expect(shouldPropagate(allow, request('https://internal.example.com/x'))).toBe(false);
    expect(shouldPropagate(allow, request('https://other.net/traced/x'))).toBe(true);
    expect(shouldPropagate(lists([], ['*']), request('https://other.net/'))).toBe(false);
  });
});

describe('urlFull', () => {
  it('redacts user, password and signature/credential query values, keeping the rest byte for byte', () => {
    expect(urlFull(new URL('https://user:pw@h.example.com/a%20b?q=x%2Fy&X-Amz-Credential=AKID%2F20261124&Signature=s'))).toBe(
      'https://REDACTED:REDACTED@h.example.com/a%20b?q=x%2Fy&X-Amz-Credential=REDACTED&Signature=REDACTED',
    );
    expect(urlFull(new URL('https://h.example.com/p?a=1#frag'))).toBe('https://h.example.com/p?a=1#frag');
  });
});

describe('outbound configuration', () => {
  it('options > env > defaults; a bad list option is reported', () => {
    expect(resolveConfig({}, {}).outbound).toEqual({ enabled: true, propagateUrls: [], dontPropagateUrls: [] });
    const fromEnv = resolveConfig(
      {},
      {
        FAAS_OBSERVABILITY_OUTBOUND: 'false',
        FAAS_OBSERVABILITY_PROPAGATE_URLS: 'a.example.com, *.b.example.com',
        FAAS_OBSERVABILITY_DONT_PROPAGATE_URLS: '*',
      },
    );
    expect(fromEnv.outbound).toEqual({ enabled: false, propagateUrls: ['a.example.com', '*.b.example.com'], dontPropagateUrls: ['*'] });
    const fromOptions = resolveConfig(
      { outbound: true, propagateUrls: ['c.example.com'] },
      { FAAS_OBSERVABILITY_PROPAGATE_URLS: 'a.example.com' },
    );
    expect(fromOptions.outbound.propagateUrls).toEqual(['c.example.com']);
    const bad = resolveConfig({ dontPropagateUrls: ['ok', 42 as unknown as string] }, {});
    expect(bad.outbound.dontPropagateUrls).toEqual(['ok']);
    expect(bad.warnings).toEqual(['option dontPropagateUrls must be a list of strings and RegExps; ignoring the other entries']);
  });
});
