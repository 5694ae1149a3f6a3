import { awsOtlpEndpointOf } from '../core/config/aws-endpoints.ts';
import type { ObservabilityOptions } from '../core/config/options.ts';
import { signSigV4, SigningKeyCache, type AwsCredentials } from './sigv4.ts';
import type { PostRequest, RequestSigner } from '../exporters/transport/transport.ts';

export type { AwsCredentials } from './sigv4.ts';

/** Where the credentials come from at each request; a function, so rotated credentials are picked up. */
export type CredentialSource = AwsCredentials | (() => AwsCredentials | Promise<AwsCredentials>);

export interface AwsOtlpSettings {
  /** Default: `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  readonly region?: string;
  /** Default: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, read at every request (Lambda's role). */
  readonly credentials?: CredentialSource;
  /** `x-aws-log-group`, mandatory for CloudWatch Logs. Without it (and `logStream`) logs are not sent there. */
  readonly logGroup?: string;
  /** `x-aws-log-stream`, mandatory for CloudWatch Logs. */
  readonly logStream?: string;
  /** A CloudWatch Logs API key (bearer token, enabled on the log group) instead of SigV4 for logs. Never printed. */
  readonly apiKey?: string;
  /** Send traces to X-Ray's OTLP endpoint (default true). */
  readonly traces?: boolean;
  /** Send logs to CloudWatch Logs' OTLP endpoint (default: when `logGroup` is set). */
  readonly logs?: boolean;
  /**
   * Send metrics to CloudWatch's OTLP metrics endpoint (default true), signed for the service `monitoring`:
   * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-otel-send.html
   */
  readonly metrics?: boolean;
  /** Override an endpoint (a VPC endpoint, a test server); the signing service then follows the path (`/v1/traces`: xray). */
  readonly tracesEndpoint?: string;
  readonly logsEndpoint?: string;
  readonly metricsEndpoint?: string;
  /** Environment to read the region and credentials from: `process.env` on Lambda; an edge binding elsewhere. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const processEnv = (): Readonly<Record<string, string | undefined>> =>
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

/**
 * Options that send traces to X-Ray's OTLP endpoint, logs to CloudWatch Logs' and metrics to CloudWatch's
 * directly, no collector: SigV4 with the function's role credentials (re-read at every request, so rotated credentials
 * are used), or a bearer API key for logs. Spread them into the options, with your own on top.
 *
 * @example
 * import { withObservability } from 'faas-observability/lambda';
 * import { awsOtlp } from 'faas-observability/aws';
 *
 * export const handler = withObservability(async () => ({ statusCode: 200 }), {
 *   ...awsOtlp({ logGroup: '/otel/orders', logStream: 'orders-api' }),
 * });
 */
export function awsOtlp(settings: AwsOtlpSettings = {}): ObservabilityOptions {
  const env = settings.env ?? processEnv();
  const region = settings.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const sendLogs = settings.logs ?? settings.logGroup !== undefined;
  const logHeaders: Record<string, string> = {};
  if (settings.logGroup !== undefined) logHeaders['x-aws-log-group'] = settings.logGroup;
  if (settings.logStream !== undefined) logHeaders['x-aws-log-stream'] = settings.logStream;
  return {
    ...((settings.traces ?? true) && { tracesEndpoint: settings.tracesEndpoint ?? `https://xray.${region}.amazonaws.com/v1/traces` }),
    ...(sendLogs && { logsEndpoint: settings.logsEndpoint ?? `https://logs.${region}.amazonaws.com/v1/logs` }),
    ...((settings.metrics ?? true) && {
      metricsEndpoint: settings.metricsEndpoint ?? `https://monitoring.${region}.amazonaws.com/v1/metrics`,
    }),
    // The log headers go with every request so the configuration can check them; the signer drops them
    // from anything that is not a logs request.
    headers: logHeaders,
    requestSigner: awsRequestSigner({ ...settings, region, env }),
  };
}

/**
 * The request signer behind `awsOtlp`: SigV4 for the service the URL names (the host `xray.<region>…`,
 * `logs.<region>…`, `monitoring.<region>…`, else the path `/v1/traces` → xray, `/v1/logs` → logs,
 * `/v1/metrics` → monitoring), or the bearer API key for logs.
 *
 * @example
 * const signer = awsRequestSigner({ region: 'eu-west-1', credentials: { accessKeyId, secretAccessKey } });
 */
export function awsRequestSigner(settings: AwsOtlpSettings & { readonly region: string }): RequestSigner {
  const keys = new SigningKeyCache();
  const env = settings.env ?? processEnv();
  return async (request: PostRequest): Promise<PostRequest> => {
    const endpoint = awsOtlpEndpointOf(request.url);
    const service = endpoint?.service ?? serviceOfPath(new URL(request.url).pathname);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      const lower = name.toLowerCase();
      if (service === 'logs' || !lower.startsWith('x-aws-log-')) headers[lower] = value;
    }
    if (service === 'logs' && settings.apiKey !== undefined) {
      return { ...request, headers: { ...headers, authorization: `Bearer ${settings.apiKey}` } };
    }
    const credentials = await credentialsFrom(settings.credentials, env);
    const region = endpoint?.region ?? settings.region;
    return {
      ...request,
      headers: await signSigV4({ method: 'POST', ...request, headers }, { region, service }, credentials, new Date(), keys),
    };
  };
}

function serviceOfPath(path: string): 'xray' | 'logs' | 'monitoring' {
  if (path.endsWith('/v1/logs')) return 'logs';
  return path.endsWith('/v1/metrics') ? 'monitoring' : 'xray';
}

async function credentialsFrom(
  source: CredentialSource | undefined,
  env: Readonly<Record<string, string | undefined>>,
): Promise<AwsCredentials> {
  const credentials =
    typeof source === 'function'
      ? await source()
      : (source ?? {
          accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
          sessionToken: env.AWS_SESSION_TOKEN,
        });
  if (!credentials.accessKeyId || !credentials.secretAccessKey) {
    throw new Error('no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set (or pass credentials)');
  }
  return credentials;
}
