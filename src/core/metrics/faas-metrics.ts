import { ValueType, type Attributes, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';

/**
 * Bucket boundaries of the FaaS duration histograms, in seconds: the semantic conventions' advice
 * (https://opentelemetry.io/docs/specs/semconv/faas/faas-metrics/), the same as HTTP's request durations
 * (https://opentelemetry.io/docs/specs/semconv/http/http-metrics/).
 */
export const DURATION_BOUNDARIES: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);

const MIB = 1024 * 1024;
/**
 * `faas.mem_usage` buckets, in bytes: the conventions advise none, and the SDK's default (0 to 10,000) would put
 * every invocation in the last one. Lambda's memory sizes run from 128 MB to 10,240 MB.
 */
export const MEMORY_BOUNDARIES: readonly number[] = Object.freeze(
  [32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 10240].map((mib) => mib * MIB),
);

/** What only the runtime can measure (Node's process on Lambda); absent on the edge. */
export interface RuntimeMeasures {
  /** Seconds from the process's start to the first invocation: the cold start's init. */
  readonly initDurationS?: () => number | undefined;
  /** The peak memory of the process so far, in bytes. */
  readonly memoryBytes?: () => number | undefined;
}

/** How one invocation ended, as the lifecycle saw it (whether or not its span was sampled). */
export interface InvocationOutcome {
  /** `faas.trigger`: `http`, `pubsub`, `datasource`, `timer` or `other`. */
  readonly trigger: string;
  readonly outcome: 'success' | 'error' | 'timeout';
  readonly durationS: number;
  readonly coldStart: boolean;
  /** The cold start's init, in seconds, where the runtime can tell. */
  readonly initDurationS?: number;
  /** The peak memory of the execution environment so far, in bytes, where the runtime can tell. */
  readonly memoryBytes?: number;
  /** For an HTTP trigger: the SERVER span's attributes (those a metric takes are picked from them). */
  readonly http?: Attributes;
}

// The attributes the HTTP metrics take from their spans: low cardinality (a route template, never a path).
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#metric-httpserverrequestduration
const SERVER_ATTRIBUTES = [
  'http.request.method',
  'url.scheme',
  'http.route',
  'http.response.status_code',
  'error.type',
  'network.protocol.version',
];
// https://opentelemetry.io/docs/specs/semconv/http/http-metrics/#metric-httpclientrequestduration
const CLIENT_ATTRIBUTES = [
  'http.request.method',
  'server.address',
  'server.port',
  'http.response.status_code',
  'error.type',
  'network.protocol.version',
];

/**
 * The FaaS metrics of the semantic conventions, recorded from the invocations the wrapper runs:
 * `faas.invocations` (successful ones), `faas.errors`, `faas.timeouts` (each invocation counts in exactly one
 * of the three), `faas.coldstarts`, `faas.invoke_duration` and `faas.init_duration` (seconds),
 * `faas.mem_usage` (bytes), each with `faas.trigger`; and for HTTP, `http.server.request.duration` and
 * `http.client.request.duration`.
 *
 * @example
 * const faas = new FaasMetrics(provider);
 * faas.invocation({ trigger: 'http', outcome: 'success', durationS: 0.012, coldStart: false });
 */
export class FaasMetrics {
  readonly #invocations: Counter;
  readonly #errors: Counter;
  readonly #timeouts: Counter;
  readonly #coldStarts: Counter;
  readonly #invokeDuration: Histogram;
  readonly #initDuration: Histogram;
  readonly #memory: Histogram;
  readonly #serverDuration: Histogram;
  readonly #clientDuration: Histogram;
  readonly #samplingDropped: Counter;

  constructor(provider: MeterProvider, scope = 'faas-observability') {
    const meter = provider.getMeter(scope);
    const count = (name: string, unit: string, description: string) =>
      meter.createCounter(name, { unit, description, valueType: ValueType.INT });
    const seconds = (name: string, description: string) =>
      meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: [...DURATION_BOUNDARIES] } });
    this.#invocations = count('faas.invocations', '{invocation}', 'Number of successful invocations');
    this.#errors = count('faas.errors', '{error}', 'Number of invocation errors');
    this.#timeouts = count('faas.timeouts', '{timeout}', 'Number of invocation timeouts');
    this.#coldStarts = count('faas.coldstarts', '{coldstart}', 'Number of invocation cold starts');
    this.#invokeDuration = seconds('faas.invoke_duration', "Measures the duration of the function's logic execution");
    this.#initDuration = seconds('faas.init_duration', "Measures the duration of the function's initialization, such as a cold start");
    this.#memory = meter.createHistogram('faas.mem_usage', {
      unit: 'By',
      description: 'Distribution of max memory usage per invocation',
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...MEMORY_BOUNDARIES] },
    });
    this.#serverDuration = seconds('http.server.request.duration', 'Duration of HTTP server requests');
    this.#clientDuration = seconds('http.client.request.duration', 'Duration of HTTP client requests');
    this.#samplingDropped = count('faas.sampling.dropped', '{invocation}', 'Invocations whose spans and logs tail sampling dropped');
  }

  /** One invocation whose telemetry tail sampling dropped (it is counted in the FaaS metrics all the same). */
  samplingDropped(trigger: string): void {
    this.#samplingDropped.add(1, { 'faas.trigger': trigger });
  }

  invocation(ended: InvocationOutcome): void {
    const attributes = { 'faas.trigger': ended.trigger };
    (ended.outcome === 'success' ? this.#invocations : ended.outcome === 'error' ? this.#errors : this.#timeouts).add(1, attributes);
    this.#invokeDuration.record(ended.durationS, attributes);
    if (ended.coldStart) {
      this.#coldStarts.add(1, attributes);
      if (ended.initDurationS !== undefined) this.#initDuration.record(ended.initDurationS, attributes);
    }
    if (ended.memoryBytes !== undefined) this.#memory.record(ended.memoryBytes, attributes);
    if (ended.http) {
      const http = pick(ended.http, SERVER_ATTRIBUTES);
      if (ended.outcome === 'timeout') http['error.type'] = 'timeout';
      this.#serverDuration.record(ended.durationS, http);
    }
  }

  /** One outgoing HTTP request, from its CLIENT span's attributes. */
  clientRequest(durationS: number, attributes: Attributes): void {
    this.#clientDuration.record(durationS, pick(attributes, CLIENT_ATTRIBUTES));
  }
}

function pick(from: Attributes, names: readonly string[]): Attributes {
  const picked: Attributes = {};
  for (const name of names) if (from[name] !== undefined) picked[name] = from[name];
  return picked;
}
