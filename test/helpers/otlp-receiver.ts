import { decompressed, startLoopbackServer, type LoopbackBehaviour, type LoopbackRequest } from '../../tools/loopback.ts';
import {
  decodeLogs,
  decodeMetrics,
  decodeSpans,
  type ReceivedLog,
  type ReceivedMetric,
  type ReceivedSpan,
} from '../../tools/otlp-decode.ts';

export type { Attrs, ReceivedLog, ReceivedMetric, ReceivedPoint, ReceivedSpan } from '../../tools/otlp-decode.ts';

/** How the receiver answers for a while (latency, status, reset, hold): see `LoopbackBehaviour`. */
export type ReceiverBehaviour = LoopbackBehaviour;

/**
 * A loopback OTLP/HTTP protobuf receiver that decodes what it gets with the official .proto files.
 * `behave` changes its answers for fault tests.
 */
export interface OtlpReceiver {
  readonly url: string;
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  /** One entry per `Metric` received (its points inside). */
  readonly metrics: ReceivedMetric[];
  /** Every request received, its body as sent (`decompressed` undoes a gzip). */
  readonly requests: LoopbackRequest[];
  /** Requests whose handling is over (answered, or dropped because the client gave up). */
  settled(): number;
  behave(behaviour: ReceiverBehaviour): void;
  close(): Promise<void>;
}

export async function startOtlpReceiver(behaviour: ReceiverBehaviour = {}, port = 0): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const logs: ReceivedLog[] = [];
  const metrics: ReceivedMetric[] = [];
  const server = await startLoopbackServer({
    port,
    behaviour,
    headers: { 'content-type': 'application/x-protobuf' },
    // Records are only kept on 2xx: the server calls this only then.
    handle: (request) => {
      if (request.path.endsWith('/v1/traces')) spans.push(...decodeSpans(decompressed(request)));
      else if (request.path.endsWith('/v1/logs')) logs.push(...decodeLogs(decompressed(request)));
      else if (request.path.endsWith('/v1/metrics')) metrics.push(...decodeMetrics(decompressed(request)));
      return { status: 200 };
    },
  });
  return {
    url: server.url,
    spans,
    logs,
    metrics,
    requests: server.requests,
    settled: server.settled,
    behave: server.behave,
    close: server.close,
  };
}
