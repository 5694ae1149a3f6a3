import { describe, expect, it } from 'vitest';
import { isSigned } from '../../src/core/outbound/propagation-policy.ts';
import { urlFull } from '../../src/core/outbound/url-full.ts';
import { redactUserInfo } from '../../src/core/redact-user-info.ts';
import { SECRET_QUERY_PARAMS, redactQuery } from '../../src/core/secret-query.ts';

describe('the secret query parameters: one list for url.full, url.query and the signed-request check', () => {
  it('redactQuery replaces the value of each, by decoded name in any case, and leaves the rest byte for byte', () => {
    expect(redactQuery('id=7&X-Amz-Signature=abc&x%2Damz%2Dsecurity%2Dtoken=t&q=a%20b&flag&sig')).toBe(
      'id=7&X-Amz-Signature=REDACTED&x%2Damz%2Dsecurity%2Dtoken=REDACTED&q=a%20b&flag&sig',
    );
  });

  it.each([...SECRET_QUERY_PARAMS])('%s: redacted in url.full as in a bare query', (name) => {
    expect(urlFull(new URL(`https://example.com/p?${name}=secret&keep=1`))).toBe(`https://example.com/p?${name}=REDACTED&keep=1`);
    expect(redactQuery(`${name.toUpperCase()}=secret`)).toBe(`${name.toUpperCase()}=REDACTED`);
  });

  it('a request signed in its query (presigned URL) is recognised by the signature parameters of the same list', () => {
    const view = (query: string) => ({ url: new URL(`https://example.com/?${query}`), header: () => undefined });
    expect(isSigned(view('X-Goog-Signature=1'))).toBe(true);
    expect(isSigned(view('sig=1'))).toBe(true);
    expect(isSigned(view('AWSAccessKeyId=AKIA'))).toBe(false);
  });
});

describe('redactUserInfo: the one credential stripping (url.full and configuration warnings)', () => {
  it.each([
    ['https://user:token@collector.example.com/v1?q=1', 'https://REDACTED:REDACTED@collector.example.com/v1?q=1'],
    ['https://user@h.example.com/', 'https://REDACTED:REDACTED@h.example.com/'],
    [' ftp://u:p@host', ' ftp://REDACTED:REDACTED@host'],
    ['https://h.example.com/path@v2', 'https://h.example.com/path@v2'],
    ['https://h.example.com/?to=a@b', 'https://h.example.com/?to=a@b'],
  ])('%s → %s', (input, output) => {
    expect(redactUserInfo(input)).toBe(output);
  });
});
