import { describe, expect, it } from 'vitest';
import { readRedaction } from '../../src/core/config/read-redaction.ts';
import type { RedactOptions } from '../../src/core/config/options.ts';
import { Redactor } from '../../src/core/redaction/redactor.ts';
import { DEFAULT_SECRET_KEYS, SecretKeyMatcher, wordsOf } from '../../src/core/redaction/secret-keys.ts';

const redactor = (options: RedactOptions = {}) => new Redactor(readRedaction({ redact: options }, {}, () => {})!);
const text = (value: string, options?: RedactOptions) => redactor(options).text(value);

describe('secret keys, by word parts in any case', () => {
  const keys = new SecretKeyMatcher(DEFAULT_SECRET_KEYS);
  it.each([
    'password',
    'Password',
    'userPassword',
    'db.password',
    'DB_PASSWORD',
    'dbpassword',
    'passwd',
    'pwd',
    'authorization',
    'Authorization',
    'x-auth-token',
    'X-API-KEY',
    'x_api_key',
    'apiKey',
    'APIKey',
    'api-key',
    'xapikey',
    'access_token',
    'refreshToken',
    'id_token',
    'Client_Secret',
    'clientSecret',
    'private_key',
    'privateKey',
    'AWS_SECRET_ACCESS_KEY',
    'secretAccessKey',
    'cookie',
    'Set-Cookie',
    'cookies',
    'sessionId',
    'credentials',
    'jwt',
    'csrf_token',
    'X-XSRF-TOKEN',
    'SAMLResponse',
    'stripe-signature',
    'X-Amz-Security-Token',
    'x-functions-key',
    'Ocp-Apim-Subscription-Key',
    'passphrase',
  ])('%s is a secret', (key) => expect(keys.matches(key)).toBe(true));

  it.each([
    'id',
    'user',
    'username',
    'key',
    'keys',
    'monkey',
    'keyboard',
    'author',
    'authority',
    'orderId',
    'bucket',
    'tokens',
    'max_tokens',
    'inputTokens',
    'nextToken',
    'NextContinuationToken',
    'SecretId',
    'secretArn',
    'aws_access_key_id',
    'AccessKeyId',
  ])('%s is not', (key) => expect(keys.matches(key)).toBe(false));

  it('splits keys at separators, camel case and acronyms', () => {
    expect(wordsOf('XMLHttpRequest_API-key.v2')).toEqual(['xml', 'http', 'request', 'api', 'key', 'v2']);
  });
});

describe('the text rules', () => {
  it('replaces secret pairs inside JSON, printed objects, form data, query strings and cookies, nothing else', () => {
    expect(text('{"username":"bob","password":"pw1","n":2}')).toBe('{"username":"bob","password":"[REDACTED]","n":2}');
    expect(text("login { user: 'bob', password: 'hunter2' }")).toBe("login { user: 'bob', password: '[REDACTED]' }");
    expect(text('username=bob&password=pw2&next=/home')).toBe('username=bob&password=[REDACTED]&next=/home');
    expect(text('GET /items?api_key=abc&id=7')).toBe('GET /items?api_key=[REDACTED]&id=7');
    expect(text('session=s3cr3t; theme=dark')).toBe('session=[REDACTED]; theme=dark');
    expect(text('Authorization: Bearer abc.def-123456789\nHost: a')).toBe('Authorization: [REDACTED]\nHost: a');
    expect(text('{\\"token\\":\\"t1\\"}')).toBe('{\\"token\\":\\"[REDACTED]\\"}');
  });

  it('finds pairs in JSON inside a JSON string (an SNS envelope in an SQS body), a printed Map and a raw cookie header', () => {
    const envelope = JSON.stringify({
      Records: [{ body: JSON.stringify({ Message: JSON.stringify({ password: 'hunter2', user: 'bob' }) }) }],
    });
    expect(text(envelope)).not.toContain('hunter2');
    expect(text(envelope)).toContain('bob');
    expect(text("Map(2) { 'password' => 'hunter2', 'user' => 'bob' }")).toBe("Map(2) { 'password' => '[REDACTED]', 'user' => 'bob' }");
    expect(text('Cookie: theme=dark; sid=S3CR3T\nHost: a')).toBe('Cookie: [REDACTED]\nHost: a');
  });

  it('matches the plurals of secret words, but not token counts', () => {
    expect(text('{"secrets":["a"],"passwords":"p","apiKeys":["k1"],"max_tokens":50}')).toBe(
      '{"secrets":[REDACTED],"passwords":"[REDACTED]","apiKeys":[REDACTED],"max_tokens":50}',
    );
  });

  it('replaces an object or array under a secret key whole, and a value cut short to its end', () => {
    expect(text("{ multiValueHeaders: { Cookie: [ 'a=1', 'b=2' ] }, id: 7 }")).toBe('{ multiValueHeaders: { Cookie: [REDACTED] }, id: 7 }');
    expect(text('{"credentials":{"user":"u","pass":"p"},"ok":true}')).toBe('{"credentials":[REDACTED],"ok":true}');
    expect(text("{ password: 'hunter2-and-more…")).toBe("{ password: '[REDACTED]");
  });

  it('replaces credentials by their shape, whatever the key', () => {
    expect(text('auth header Bearer abc.def-123456789')).toBe('auth header Bearer [REDACTED]');
    expect(text('sent Basic dXNlcjpwYXNz then')).toBe('sent Basic [REDACTED] then');
    expect(text('token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl ok')).toBe('token [REDACTED] ok');
    expect(text('creds AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('creds AKIAIOSFODNN7EXAMPLE [REDACTED]');
    expect(text('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- done')).toBe('[REDACTED] done');
    expect(text('cut -----BEGIN PRIVATE KEY-----\nMIIEow')).toBe('cut [REDACTED]');
    expect(text('gh ghp_abcdefghijklmnopqrstuvwxyz0123456789 sk_live_abcdefghijklmnop1234')).toBe('gh [REDACTED] [REDACTED]');
  });

  it('leaves prose and identifiers that only look alike', () => {
    for (const prose of [
      'Basic information about Bearer tokens',
      'sha 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12',
      'the key: a.jpg',
      'at 12:30:45',
    ])
      expect(text(prose)).toBe(prose);
  });

  it('takes the user keys, patterns, replacement and last word', () => {
    expect(text('{"ssn":"123","user":"bob"}', { keys: ['ssn'] })).toBe('{"ssn":"[REDACTED]","user":"bob"}');
    expect(text('{"password":"p","ssn":"1"}', { keys: ['ssn'], defaultKeys: false })).toBe('{"password":"p","ssn":"[REDACTED]"}');
    expect(text('card 4111-1111-1111-1111', { patterns: [/\b(?:\d{4}-){3}\d{4}\b/] })).toBe('card [REDACTED]');
    expect(text('acct-123456 ok', { patterns: [/(acct-\d{6})/] })).toBe('[REDACTED] ok');
    expect(text('Bearer abc.def-123456789', { defaultPatterns: false })).toBe('Bearer abc.def-123456789');
    expect(text('password=x', { replacement: '***' })).toBe('password=***');
    const decide = ({ value, redacted }: { value: string; redacted: string }) => (value.startsWith('public') ? value : redacted);
    expect(text('public password=x', { decide })).toBe('public password=x');
    expect(
      text('password=x', {
        decide: () => {
          throw new Error('no');
        },
      }),
    ).toBe('password=[REDACTED]');
  });
});

describe('cost on long values', () => {
  // Each rule is linear in the text: a regular expression that backtracks over a long run would take minutes
  // here (a 40,000-character run took 2.7 s before the pair search was anchored to word starts).
  it.each([
    ['a run of word characters', 'x'.repeat(1_000_000)],
    ['an AWS key id before a long base64 run', `AKIAIOSFODNN7EXAMPLE ${'A'.repeat(1_000_000)}`],
    ['many pairs', 'a=1&'.repeat(250_000)],
    ['an unclosed bracket under a secret key', `password: [${'{'.repeat(100_000)}`],
    ['JWT-looking runs', 'eyJ-'.repeat(250_000)],
    ['a run of backslashes', '\\'.repeat(1_000_000)],
  ])('%s of a megabyte', (_name, value) => {
    const started = performance.now();
    redactor().text(value);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('a megabyte key of capitals', () => {
    const started = performance.now();
    expect(new SecretKeyMatcher(DEFAULT_SECRET_KEYS).matches('A'.repeat(1_000_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('attributes', () => {
  it('replace values under secret keys whatever their type, URL queries per parameter, strings by the text rules', () => {
    const attributes: Record<string, unknown> = {
      'X-API-KEY': 'a',
      pin_secret: 1234,
      refreshToken: ['r1', 'r2'],
      'url.full': 'https://h/p?token=x&sig=y&id=1#f',
      'url.query': 'code=1&client_secret=c',
      note: 'password=p',
      id: 7,
      key: 'photos/a.jpg',
      tags: ['Bearer abc.def-123456789', 'x'],
    };
    redactor().attributes(attributes as never);
    expect(attributes).toEqual({
      'X-API-KEY': '[REDACTED]',
      pin_secret: '[REDACTED]',
      refreshToken: '[REDACTED]',
      'url.full': 'https://h/p?token=REDACTED&sig=REDACTED&id=1#f',
      'url.query': 'code=1&client_secret=REDACTED',
      note: 'password=[REDACTED]',
      id: 7,
      key: 'photos/a.jpg',
      tags: ['Bearer [REDACTED]', 'x'],
    });
  });

  it('replace the user info of a URL and the secret pairs of its fragment', () => {
    const attributes = { 'url.full': 'https://admin:hunter2@db.example.com/cb?state=1#access_token=abc123&x=1' };
    redactor().attributes(attributes);
    expect(attributes['url.full']).toBe('https://REDACTED:REDACTED@db.example.com/cb?state=1#access_token=[REDACTED]&x=1');
  });

  it('replace an object under a secret key whole in a logs-API body', () => {
    expect(redactor().anyValue({ session: { id: 'S3CR3T' }, credentials: ['u', 'p'], user: { name: 'bob' } })).toEqual({
      session: '[REDACTED]',
      credentials: '[REDACTED]',
      user: { name: 'bob' },
    });
  });

  it('walks a logs-API body to its depth limit and stops there', () => {
    const body = { user: 'bob', nested: { apiKey: 'k', list: [{ token: 't' }, 'Bearer abc.def-123456789'] }, bytes: new Uint8Array([1]) };
    expect(redactor().anyValue(body)).toEqual({
      user: 'bob',
      nested: { apiKey: '[REDACTED]', list: [{ token: '[REDACTED]' }, 'Bearer [REDACTED]'] },
      bytes: new Uint8Array([1]),
    });
    let deep: Record<string, unknown> = { password: 'p' };
    for (let i = 0; i < 20; i++) deep = { level: deep };
    expect(JSON.stringify(redactor().anyValue(deep as never))).not.toContain('"p"');
  });
});
