import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A request as a server received it: the path and query as they came over the wire, headers lower-cased. */
export interface ReceivedSignedRequest {
  readonly method: string;
  /** Path plus query string, still percent-encoded, as on the request line. */
  readonly path: string;
  readonly host: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Uint8Array;
  /** Secret access keys by access key id. */
  readonly secrets: Readonly<Record<string, string>>;
  /** The time the server checks `x-amz-date` against (±5 minutes, as AWS does); none: not checked. */
  readonly now?: Date;
}

export type Verification = { ok: true; service: string; region: string } | { ok: false; reason: string };

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

// Written from AWS's description of Signature V4 (IAM user guide, "Create a signed AWS API request"), not from
// the library's signer: a server's view of the request, with its own canonicalisation.
function encode(text: string): string {
  return Buffer.from(text, 'utf8').reduce(
    (out, byte) =>
      out +
      (/[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`),
    '',
  );
}

function canonicalUri(rawPath: string): string {
  // Non-S3 services: each segment of the path as sent is encoded once more.
  return (
    rawPath
      .split('/')
      .map((segment) => encode(segment))
      .join('/') || '/'
  );
}

function canonicalQueryString(rawQuery: string): string {
  if (rawQuery === '') return '';
  const decode = (part: string) => decodeURIComponent(part.replace(/\+/g, ' '));
  return rawQuery
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? [encode(decode(pair)), ''] : [encode(decode(pair.slice(0, eq))), encode(decode(pair.slice(eq + 1)))];
    })
    .sort((a, b) => (a[0]! === b[0]! ? (a[1]! < b[1]! ? -1 : 1) : a[0]! < b[0]! ? -1 : 1))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Verifies the `authorization` header of a received request; says why not when it fails. */
export function verifySigV4(request: ReceivedSignedRequest): Verification {
  const header = String(request.headers.authorization ?? '');
  const match = AUTH.exec(header);
  if (!match) return { ok: false, reason: 'no SigV4 authorization header' };
  const [, keyId, day, region, service, signedHeaders, signature] = match as unknown as string[];
  const secret = request.secrets[keyId!];
  if (secret === undefined) return { ok: false, reason: `unknown access key ${keyId}` };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day!)) return { ok: false, reason: 'x-amz-date does not match the credential scope' };
  if (request.now) {
    const sent = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!(Math.abs(request.now.getTime() - sent) <= 5 * 60_000)) return { ok: false, reason: 'x-amz-date is too far from now' };
  }
  const names = signedHeaders!.split(';');
  if (!names.includes('host')) return { ok: false, reason: 'host is not signed' };
  const value = (name: string) => (name === 'host' ? request.host : request.headers[name]);
  const lines: string[] = [];
  for (const name of names) {
    const v = value(name);
    if (v === undefined) return { ok: false, reason: `signed header ${name} is missing` };
    lines.push(`${name}:${(Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ')}\n`);
  }
  const [rawPath, rawQuery = ''] = request.path.split('?', 2) as [string, string?];
  const canonical = [
    request.method,
    canonicalUri(rawPath),
    canonicalQueryString(rawQuery),
    lines.join(''),
    signedHeaders,
    createHash('sha256').update(request.body).digest('hex'),
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
  const key = [day!, region!, service!, 'aws4_request'].reduce<Buffer>(
    (k, part) => createHmac('sha256', k).update(part).digest(),
    Buffer.from(`AWS4${secret}`),
  );
  const expected = createHmac('sha256', key).update(toSign).digest();
  const given = Buffer.from(signature!, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature mismatch' };
  return { ok: true, service: service!, region: region! };
}
