/**
 * AWS Signature Version 4 on WebCrypto (`crypto.subtle`: Node, workerd, Deno, Vercel Edge), with no
 * dependency. Signs every header it is given (plus `host` and `x-amz-date`, and `x-amz-security-token` with
 * temporary credentials), the body's SHA-256 as the payload hash, and a path and query canonicalised as
 * AWS requires for every service but S3 (path segments encoded again, query sorted). Checked against AWS's
 * Signature V4 test suite (test/unit/sigv4.test.ts).
 */

export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present with temporary credentials (a Lambda role): sent as `x-amz-security-token` and signed. */
  readonly sessionToken?: string;
}

export interface SigV4Request {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

export interface SigV4Scope {
  readonly region: string;
  /** The signing name: `xray` for the traces endpoint, `logs` for CloudWatch Logs. */
  readonly service: string;
}

const encoder = new TextEncoder();
const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
const bytesOf = (data: Uint8Array | string) => (typeof data === 'string' ? encoder.encode(data) : data);

async function sha256Hex(data: Uint8Array | string): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-256', bytesOf(data) as Uint8Array<ArrayBuffer>));
}

async function hmac(key: ArrayBuffer | Uint8Array, data: string): Promise<ArrayBuffer> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return crypto.subtle.sign('HMAC', cryptoKey, encoder.encode(data));
}

/** RFC 3986 encoding, as SigV4 wants it: everything but `A-Z a-z 0-9 - _ . ~` percent-encoded. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([key, value]) => [uriEncode(key), uriEncode(value)] as const);
  pairs.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** `20150830T123600Z` */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/**
 * Signs one request and returns the headers to send: the given ones plus `x-amz-date`,
 * `x-amz-security-token` (temporary credentials) and `authorization`. `signingKey` caches the derived key,
 * which changes only with the secret, the day, the region and the service.
 *
 * @example
 * const headers = await signSigV4(
 *   { method: 'POST', url: 'https://xray.eu-west-1.amazonaws.com/v1/traces', headers: { 'content-type': 'application/x-protobuf' }, body },
 *   { region: 'eu-west-1', service: 'xray' },
 *   { accessKeyId, secretAccessKey, sessionToken },
 * );
 */
export async function signSigV4(
  request: SigV4Request,
  scope: SigV4Scope,
  credentials: AwsCredentials,
  date: Date = new Date(),
  signingKey: SigningKeyCache = new SigningKeyCache(),
): Promise<Record<string, string>> {
  const url = new URL(request.url);
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
  headers['x-amz-date'] = stamp;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const canonicalHeaders: Record<string, string> = { ...headers, host: url.host };
  const names = Object.keys(canonicalHeaders).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    url.pathname.split('/').map(uriEncode).join('/') || '/',
    canonicalQuery(url),
    names.map((name) => `${name}:${canonicalHeaders[name]!.trim().replace(/\s+/g, ' ')}\n`).join(''),
    signedHeaders,
    await sha256Hex(request.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, credentialScope, await sha256Hex(canonicalRequest)].join('\n');
  const key = await signingKey.get(credentials.secretAccessKey, day, scope);
  const signature = hex(await hmac(key, stringToSign));
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return headers;
}

/** The last derived signing key (four HMACs saved per request); a new secret, day, region or service derives anew. */
export class SigningKeyCache {
  #id = '';
  #key: Promise<ArrayBuffer> | undefined;

  get(secret: string, day: string, scope: SigV4Scope): Promise<ArrayBuffer> {
    const id = `${secret}\n${day}\n${scope.region}\n${scope.service}`;
    if (this.#key === undefined || id !== this.#id) {
      this.#id = id;
      this.#key = (async () => {
        const dated = await hmac(encoder.encode(`AWS4${secret}`), day);
        return hmac(await hmac(await hmac(dated, scope.region), scope.service), 'aws4_request');
      })();
    }
    return this.#key;
  }
}
