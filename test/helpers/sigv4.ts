// SigV4 with the signer the AWS SDK itself uses (@smithy/signature-v4), and a loopback verifier that checks
// a request the way AWS does: the signature recomputed over the headers the request says it signed.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';

const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : data instanceof Uint8Array
      ? data
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer)
        : new Uint8Array(data);

class Sha256 {
  readonly #hash: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.#hash = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.#hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }
  reset(): void {}
}

export const SIGNING_DATE = new Date('2026-11-24T12:00:00Z');
export const signer = new SignatureV4({
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  region: 'eu-west-1',
  service: 's3',
  sha256: Sha256,
});

interface Signable {
  method: string;
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

function signable(url: URL, method: string, headers: Record<string, string>): Signable {
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = value;
  return { method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path: url.pathname, query, headers };
}

/** The headers to send for a signed request (every header given is signed, as the SDK does). */
export async function signedHeaders(url: URL, method: string, headers: Record<string, string>): Promise<Record<string, string>> {
  const signed = await signer.sign(signable(url, method, { host: url.host, ...headers }), { signingDate: SIGNING_DATE });
  const { host: _host, ...rest } = signed.headers as Record<string, string>;
  return rest;
}

/** A presigned GET URL (signature in the query, only `host` signed). */
export async function presignedUrl(url: URL): Promise<URL> {
  const presigned = await signer.presign(signable(url, 'GET', { host: url.host }), { signingDate: SIGNING_DATE, expiresIn: 3600 });
  const out = new URL(url.href);
  for (const [name, value] of Object.entries(presigned.query ?? {})) out.searchParams.set(name, String(value));
  return out;
}

/** Whether a received request's SigV4 signature (header or presigned query) is valid. */
export async function verifySignature(method: string, path: string, headers: IncomingHttpHeaders): Promise<boolean> {
  const url = new URL(path, `http://${headers.host}`);
  const authorization = String(headers.authorization ?? '');
  const names = (/SignedHeaders=([^,]+)/.exec(authorization)?.[1] ?? url.searchParams.get('X-Amz-SignedHeaders') ?? '').split(';');
  const picked: Record<string, string> = {};
  for (const name of names) if (headers[name] !== undefined) picked[name] = String(headers[name]);
  if (authorization !== '') {
    const again = await signer.sign(signable(url, method, picked), { signingDate: SIGNING_DATE });
    return (again.headers as Record<string, string>).authorization === authorization;
  }
  const received = url.searchParams.get('X-Amz-Signature');
  for (const name of ['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature'])
    url.searchParams.delete(name);
  const again = await signer.presign(signable(url, method, picked), { signingDate: SIGNING_DATE, expiresIn: 3600 });
  return received !== null && again.query?.['X-Amz-Signature'] === received;
}
