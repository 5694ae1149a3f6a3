import { createHash } from 'node:crypto';
import { request, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { decompressed, startLoopbackServer } from './loopback.ts';
import type { ReceivedMetric } from './otlp-metrics.ts';
import type { ReceivedLog, ReceivedSpan } from './otlp-objects.ts';
import { readLogs, readMetrics, readSpans } from './otlp-read.ts';

export interface TapReport {
  /**
   * What the function exported, delivered upstream or not (the upstream answers in `upstream`): a request sent
   * again (a retry of a failed one) is not counted twice.
   */
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly metrics: ReceivedMetric[];
  /** One entry per forwarded request: the upstream status, or why it could not be delivered. */
  readonly upstream: string[];
}

/**
 * A loopback OTLP/HTTP pass-through: decodes what the function exports (so `invoke` can report it, whether
 * the upstream took it or not) and forwards each request unchanged to the real endpoint, answering with the
 * upstream's answer. Without an upstream it answers 200 itself (a local sink).
 */
export async function startOtlpTap(upstream: string | undefined): Promise<{ url: string; report: TapReport; close(): Promise<void> }> {
  const report: TapReport = { spans: [], logs: [], metrics: [], upstream: [] };
  const seen = new Set<string>();
  const server = await startLoopbackServer({
    handle: async (request) => {
      // Decoded before it is forwarded: what the function exported shows even when the upstream is down.
      const key = `${request.path} ${createHash('sha256').update(request.body).digest('hex')}`;
      if (!seen.has(key)) {
        seen.add(key);
        try {
          const body = decompressed(request);
          if (request.path.endsWith('/v1/traces')) append(report.spans, readSpans(body));
          if (request.path.endsWith('/v1/logs')) append(report.logs, readLogs(body));
          if (request.path.endsWith('/v1/metrics')) append(report.metrics, readMetrics(body));
        } catch {
          report.upstream.push(`undecodable request to ${request.path}`);
        }
      }
      if (!upstream) {
        report.upstream.push('200 (local sink)');
        return { status: 200, headers: { 'content-type': 'application/x-protobuf' } };
      }
      const { status, error } = await forward(upstream, request.path || '/', request.headers, request.body);
      report.upstream.push(error ? `not delivered: ${error}` : String(status));
      // A proxy whose upstream cannot be reached answers 502, as any gateway would.
      return { status: error ? 502 : status };
    },
  });
  return { url: server.url, report, close: server.close };
}

/** One by one: spreading a request of 100k records into push() would overflow the call stack. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}

function forward(base: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; error?: string }> {
  return new Promise((resolve) => send(base, path, headers, body, (status, error) => resolve({ status, error })));
}

function send(base: string, path: string, headers: IncomingHttpHeaders, body: Buffer, done: (status: number, error?: string) => void) {
  // The signal's path goes after the base's own path, as OTEL_EXPORTER_OTLP_ENDPOINT is read
  // (http://collector:4318/otlp → …/otlp/v1/traces): https://opentelemetry.io/docs/specs/otel/protocol/exporter/
  const target = new URL(`${base.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`);
  const post = target.protocol === 'https:' ? httpsRequest : request;
  const { host: _host, ...rest } = headers;
  const outgoing = post(target, { method: 'POST', headers: rest, timeout: 5000 }, (response) => {
    response.resume();
    response.on('end', () => done(response.statusCode ?? 0));
  });
  outgoing.on('timeout', () => outgoing.destroy(new Error('no answer in 5 s')));
  outgoing.on('error', (error) => done(0, error.message));
  outgoing.end(body);
}
