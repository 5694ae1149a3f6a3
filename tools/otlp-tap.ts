import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decodeLogs, decodeSpans, type ReceivedLog, type ReceivedSpan } from './otlp-decode.ts';

export interface TapReport {
  /** What the upstream accepted (or the local sink took): retries of a failed request are not counted twice. */
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  /** One entry per forwarded request: the upstream status, or why it could not be delivered. */
  readonly upstream: string[];
}

/**
 * A loopback OTLP/HTTP pass-through: decodes what the function exports (so `npm run invoke` can report it)
 * and forwards each request unchanged to the real endpoint, answering with the upstream's answer.
 * Without an upstream it answers 200 itself (a local sink).
 */
export async function startOtlpTap(upstream: string | undefined): Promise<{ url: string; report: TapReport; close(): Promise<void> }> {
  const report: TapReport = { spans: [], logs: [], upstream: [] };
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const delivered = () => {
        try {
          if (incoming.url?.endsWith('/v1/traces')) report.spans.push(...decodeSpans(body));
          if (incoming.url?.endsWith('/v1/logs')) report.logs.push(...decodeLogs(body));
        } catch {
          report.upstream.push(`undecodable request to ${incoming.url}`);
        }
      };
      if (!upstream) {
        delivered();
        report.upstream.push('200 (local sink)');
        outgoing.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        return;
      }
      forward(upstream, incoming.url ?? '/', incoming.headers, body, (status, error) => {
        if (!error && status >= 200 && status < 300) delivered();
        report.upstream.push(error ? `not delivered: ${error}` : String(status));
        // A proxy whose upstream cannot be reached answers 502, as any gateway would.
        outgoing.writeHead(error ? 502 : status).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    report,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function forward(base: string, path: string, headers: IncomingHttpHeaders, body: Buffer, done: (status: number, error?: string) => void) {
  const target = new URL(path, base.endsWith('/') ? base : `${base}/`);
  const send = target.protocol === 'https:' ? httpsRequest : request;
  const { host: _host, ...rest } = headers;
  const outgoing = send(target, { method: 'POST', headers: rest, timeout: 5000 }, (response) => {
    response.resume();
    response.on('end', () => done(response.statusCode ?? 0));
  });
  outgoing.on('timeout', () => outgoing.destroy(new Error('no answer in 5 s')));
  outgoing.on('error', (error) => done(0, error.message));
  outgoing.end(body);
}
