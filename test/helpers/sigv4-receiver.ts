import { decompressed, startLoopbackServer } from '../../tools/loopback.ts';
import {
  decodeLogs,
  decodeMetrics,
  decodeSpans,
  type ReceivedLog,
  type ReceivedMetric,
  type ReceivedSpan,
} from '../../tools/otlp-decode.ts';
import { verifySigV4, type Verification } from './sigv4-verifier.ts';

/** A loopback OTLP receiver that, like AWS's endpoints, takes only correctly signed requests (403 otherwise). */
export interface SignedOtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  readonly metrics: ReceivedMetric[];
  /** Each request's verification and the headers it came with. */
  readonly checks: { path: string; verification: Verification; headers: Record<string, string | string[] | undefined> }[];
  /** What the next successful answers carry as partial_success (OTLP JSON), if anything. */
  partialSuccess: { rejected: number; errorMessage: string } | undefined;
  close(): Promise<void>;
}

export async function startSignedOtlpReceiver(secrets: Record<string, string>): Promise<SignedOtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const metrics: ReceivedMetric[] = [];
  const checks: SignedOtlpReceiver['checks'] = [];
  const receiver: { partialSuccess: SignedOtlpReceiver['partialSuccess'] } = { partialSuccess: undefined };
  const server = await startLoopbackServer({
    handle: (request) => {
      const verification = verifySigV4({
        method: request.method,
        path: request.path,
        host: String(request.headers.host),
        headers: request.headers,
        body: request.body,
        secrets,
        now: new Date(),
      });
      checks.push({ path: request.path, verification, headers: request.headers });
      if (!verification.ok) return { status: 403, body: verification.reason };
      const isLogs = request.path.endsWith('/v1/logs');
      const isMetrics = request.path.endsWith('/v1/metrics');
      if (isLogs) logs.push(...decodeLogs(decompressed(request)));
      else if (isMetrics) metrics.push(...decodeMetrics(decompressed(request)));
      else spans.push(...decodeSpans(decompressed(request)));
      const partial = receiver.partialSuccess;
      const body = partial
        ? JSON.stringify({
            partialSuccess: {
              [isLogs ? 'rejectedLogRecords' : isMetrics ? 'rejectedDataPoints' : 'rejectedSpans']: String(partial.rejected),
              errorMessage: partial.errorMessage,
            },
          })
        : '{}';
      return { status: 200, headers: { 'content-type': 'application/json' }, body };
    },
  });
  return Object.assign(receiver, { url: server.url, spans, logs, metrics, checks, close: server.close });
}
