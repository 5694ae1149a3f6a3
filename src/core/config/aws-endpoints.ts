import type { ObservabilityOptions } from './options.ts';
import type { RequestLimits, SignalConfig } from './resolved-config.ts';

/** An AWS OTLP endpoint: `xray` (traces), `logs` (CloudWatch Logs) or `monitoring` (metrics), with its region. */
export interface AwsOtlpEndpoint {
  readonly service: 'xray' | 'logs' | 'monitoring';
  readonly region: string;
}

const AWS_HOST = /^(xray|logs|monitoring)\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/;

/**
 * Which AWS OTLP endpoint a URL is, from its host (`https://xray.<region>.amazonaws.com/v1/traces`).
 *
 * @example
 * awsOtlpEndpointOf('https://logs.eu-west-1.amazonaws.com/v1/logs'); // { service: 'logs', region: 'eu-west-1' }
 */
export function awsOtlpEndpointOf(url: string): AwsOtlpEndpoint | undefined {
  try {
    const match = AWS_HOST.exec(new URL(url).hostname);
    return match ? { service: match[1] as AwsOtlpEndpoint['service'], region: match[2]! } : undefined;
  } catch {
    return undefined;
  }
}

const MIB = 1024 * 1024;
/**
 * The endpoints' request limits. Traces: ≤ 5 MB uncompressed and ≤ 10,000 spans per request (CloudWatch
 * "OTLP Endpoints", traces limits). Logs: the OTLP page gives no request size; CloudWatch Logs' own batch
 * limits (PutLogEvents: 1 MiB, 10,000 events) are assumed, which a batch of the default 512 records rarely
 * reaches. Applied to the AWS hosts only.
 */
const LIMITS: Record<AwsOtlpEndpoint['service'], RequestLimits> = {
  xray: { maxRequestBytes: 5 * 1000 * 1000, maxItemsPerRequest: 10_000 },
  logs: { maxRequestBytes: MIB, maxItemsPerRequest: 10_000 },
  monitoring: {},
};

export function requestLimitsFor(url: string): RequestLimits {
  const endpoint = awsOtlpEndpointOf(url);
  return endpoint ? LIMITS[endpoint.service] : {};
}

const hasHeader = (headers: Readonly<Record<string, string>>, name: string) =>
  Object.keys(headers).some((key) => key.toLowerCase() === name);

/**
 * One sentence per thing an AWS OTLP endpoint will refuse: no signer for SigV4 (unless a bearer API key is
 * set for logs), or CloudWatch Logs without its mandatory `x-aws-log-group` / `x-aws-log-stream` headers.
 */
export function awsEndpointProblems(
  traces: SignalConfig,
  logs: SignalConfig,
  options: ObservabilityOptions,
  metrics?: SignalConfig,
): string[] {
  const problems: string[] = [];
  const signed = options.requestSigner !== undefined;
  const fix = "use awsOtlp() from 'faas-observability/aws'";
  if (awsOtlpEndpointOf(traces.url)?.service === 'xray' && !signed) {
    problems.push(`the traces endpoint ${new URL(traces.url).origin} needs SigV4-signed requests: ${fix}`);
  }
  if (metrics && awsOtlpEndpointOf(metrics.url)?.service === 'monitoring' && !signed) {
    problems.push(`the metrics endpoint ${new URL(metrics.url).origin} needs SigV4-signed requests: ${fix}`);
  }
  if (awsOtlpEndpointOf(logs.url)?.service === 'logs') {
    const origin = new URL(logs.url).origin;
    if (!signed && !hasHeader(logs.headers, 'authorization')) {
      problems.push(`the logs endpoint ${origin} needs SigV4-signed requests or an API key (Authorization: Bearer …): ${fix}`);
    }
    const missing = ['x-aws-log-group', 'x-aws-log-stream'].filter((name) => !hasHeader(logs.headers, name));
    if (missing.length > 0) {
      problems.push(
        `the logs endpoint ${origin} needs the ${missing.join(' and ')} header(s): awsOtlp({ logGroup, logStream }) or OTEL_EXPORTER_OTLP_LOGS_HEADERS; it refuses logs without them`,
      );
    }
  }
  return problems;
}
