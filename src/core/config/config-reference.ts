import { DEFAULTS } from './defaults.ts';
import { METRICS_AND_SAMPLING } from './config-reference-metrics.ts';
import { REDACTION } from './config-reference-redaction.ts';
import type { ConfigEntry } from './config-entry.ts';

export type { ConfigEntry } from './config-entry.ts';

const ms = (value: number) => `${value} ms`;

/**
 * Every setting `resolveConfig` reads: the source of the configuration table of docs/configuration.md (`npm run docs:config`
 * writes it; a test fails when that page, this list and the resolver disagree). Defaults come from
 * `DEFAULTS`, the resolver's own.
 */
export const CONFIG_REFERENCE: readonly ConfigEntry[] = [
  { env: ['OTEL_SDK_DISABLED'], default: 'false', meaning: '`true`: the handler runs untouched, no console patching' },
  {
    option: 'serviceName',
    env: ['OTEL_SERVICE_NAME'],
    // Lambda: lambdaResourceAttributes; edge: defaultServiceName, with its warning at setup (docs/edge.md).
    default: 'Lambda: the function name (`AWS_LAMBDA_FUNCTION_NAME`); edge: `unknown_service:<platform>`, with a warning',
    meaning: '`service.name` (`service.name` in `OTEL_RESOURCE_ATTRIBUTES` is used when neither is set)',
  },
  { option: 'resourceAttributes', env: ['OTEL_RESOURCE_ATTRIBUTES'], default: '—', meaning: 'extra resource attributes (`k=v,k2=v2`)' },
  {
    option: 'endpoint',
    env: ['OTEL_EXPORTER_OTLP_ENDPOINT'],
    default: DEFAULTS.endpoint,
    meaning:
      'OTLP/HTTP base URL; `/v1/traces`, `/v1/logs` and `/v1/metrics` are appended (a base ending in one of them has it removed, with a warning)',
  },
  { option: 'tracesEndpoint', env: ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'], default: '—', meaning: 'traces URL, used verbatim' },
  { option: 'logsEndpoint', env: ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT'], default: '—', meaning: 'logs URL, used verbatim' },
  { option: 'metricsEndpoint', env: ['OTEL_EXPORTER_OTLP_METRICS_ENDPOINT'], default: '—', meaning: 'metrics URL, used verbatim' },
  ...METRICS_AND_SAMPLING,
  ...REDACTION,
  {
    option: 'headers',
    env: [
      'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
      'OTEL_EXPORTER_OTLP_LOGS_HEADERS',
      'OTEL_EXPORTER_OTLP_METRICS_HEADERS',
      'OTEL_EXPORTER_OTLP_HEADERS',
    ],
    default: '—',
    meaning:
      'export headers (`k=v`, percent-decoded); never printed; a header HTTP does not allow (a value with a control character or past Latin-1, such as `caf%E2%82%AC`) is dropped with one warning at setup',
  },
  {
    option: 'exportTimeoutMs',
    env: [
      'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
      'OTEL_EXPORTER_OTLP_LOGS_TIMEOUT',
      'OTEL_EXPORTER_OTLP_METRICS_TIMEOUT',
      'OTEL_EXPORTER_OTLP_TIMEOUT',
    ],
    default: 'a share of the flush budget',
    meaning:
      'one OTLP export, retries included; at most the flush budget less a reserve (a tenth, ≤ 50 ms), and for logs at most half of that when Loki is configured; a longer value is cut, with a warning',
  },
  {
    option: 'compression',
    env: [
      'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
      'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION',
      'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION',
      'OTEL_EXPORTER_OTLP_COMPRESSION',
    ],
    default: 'none',
    meaning: '`gzip`: OTLP bodies gzipped (node:zlib on Lambda, `CompressionStream` on the edge)',
  },
  {
    option: 'sampler',
    env: ['OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG'],
    default: 'parentbased_always_on',
    meaning: 'any standard sampler name, and its ratio',
  },
  {
    option: 'maxBufferBytes',
    env: ['FAAS_OBSERVABILITY_MAX_BUFFER_BYTES', 'AWS_LAMBDA_FUNCTION_MEMORY_SIZE'],
    default: '16 MiB, or 1/8 of the Lambda memory size up to 256 MiB (edge: 8 MiB)',
    meaning: 'spans and logs held in memory at most; past it they go straight to stdout as JSON lines, counted',
  },
  {
    env: ['OTEL_BSP_MAX_QUEUE_SIZE', 'OTEL_BLRP_MAX_QUEUE_SIZE'],
    default: 'no limit',
    meaning: 'spans / log records held at most; past it they go to stdout, never dropped',
  },
  {
    env: ['OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 'OTEL_BLRP_MAX_EXPORT_BATCH_SIZE'],
    default: String(DEFAULTS.maxExportBatchSize),
    meaning: 'records per export request (a burst goes out as several requests in parallel)',
  },
  {
    env: ['OTEL_BSP_SCHEDULE_DELAY', 'OTEL_BLRP_SCHEDULE_DELAY'],
    default: ms(DEFAULTS.scheduledDelayMs),
    meaning: 'how long a partial batch waits during a long invocation (the flush exports at once)',
  },
  {
    env: ['OTEL_BSP_EXPORT_TIMEOUT', 'OTEL_BLRP_EXPORT_TIMEOUT'],
    default: 'not used',
    meaning: 'reported when set: the flush budget bounds every export',
  },
  { env: ['OTEL_PROPAGATORS'], default: 'tracecontext,baggage', meaning: 'add `xray` to opt in to the X-Ray parent; `none` for none' },
  { env: ['OTEL_LOG_LEVEL'], default: 'info', meaning: "the library's and the SDK's diagnostics on stderr" },
  {
    option: 'xray',
    env: ['FAAS_OBSERVABILITY_XRAY'],
    default: 'false',
    meaning: 'the X-Ray header as parent when the event has no W3C context',
  },
  {
    option: 'flushBudgetMs',
    env: ['FAAS_OBSERVABILITY_FLUSH_BUDGET_MS'],
    default: `${ms(DEFAULTS.flushBudgetMs)} (batched: 3000 ms; edge: 10000 ms)`,
    meaning:
      'longest flush of one invocation; shared out so that OTLP (retries included), then the Loki fallback, fit in it together: traces get the budget less a reserve, logs the same or, with Loki, half of it each',
  },
  {
    option: 'postResponseFlush',
    env: ['FAAS_OBSERVABILITY_POST_RESPONSE_FLUSH'],
    default: 'true',
    meaning:
      'Lambda: flush after the response through an internal extension (off by itself on Managed Instances, SnapStart, worker threads; falls back to the flush before the response)',
  },
  {
    option: 'delivery',
    env: ['FAAS_OBSERVABILITY_DELIVERY'],
    default: '`per-invocation`',
    meaning:
      '`batched`: with the flush after the response, records wait across invocations and leave when a batch is full, when the oldest would pass the max age before the next invocation, or after a failed one; an invocation that sends nothing freezes at once. See [batched delivery](delivery.md#pay-less-for-telemetry-batched-delivery)',
  },
  {
    option: 'batchMaxAgeMs',
    env: ['FAAS_OBSERVABILITY_BATCH_MAX_AGE_MS'],
    default: '5000 ms',
    meaning: 'with batched delivery, the longest a record waits while invocations keep coming',
  },
  { option: 'flushMarginMs', env: [], default: ms(DEFAULTS.flushMarginMs), meaning: 'time kept free before the Lambda deadline' },
  {
    option: 'timeoutSafetyMs',
    env: ['FAAS_OBSERVABILITY_TIMEOUT_SAFETY_MS'],
    default: ms(DEFAULTS.timeoutSafetyMs),
    meaning: 'end the span as timed out this long before the deadline (at most a tenth of the remaining time)',
  },
  {
    option: 'captureConsole',
    env: ['FAAS_OBSERVABILITY_CAPTURE_CONSOLE'],
    default: 'true',
    meaning: 'turn console calls into log records',
  },
  {
    option: 'consoleFormat',
    env: ['FAAS_OBSERVABILITY_CONSOLE_FORMAT', 'AWS_LAMBDA_LOG_FORMAT'],
    default: `${DEFAULTS.consoleFormat} (\`lambda-json\` when \`AWS_LAMBDA_LOG_FORMAT=JSON\`)`,
    meaning:
      "`text` (ids appended), `json` (one JSON object per line), `lambda-json` (the Lambda runtime's JSON line plus `traceId`, `spanId`), `off` (line untouched)",
  },
  {
    env: ['AWS_LAMBDA_LOG_LEVEL'],
    default: 'TRACE (everything)',
    meaning: "console calls below this level (Lambda's log level) are neither exported nor printed",
  },
  {
    option: 'maxLogBodyLength',
    env: ['FAAS_OBSERVABILITY_MAX_LOG_BODY_LENGTH'],
    default: String(DEFAULTS.maxLogBodyLength),
    meaning: 'characters kept per log body, the rest cut with a marker',
  },
  {
    option: 'loki',
    env: [
      'FAAS_OBSERVABILITY_LOKI_URL',
      'FAAS_OBSERVABILITY_LOKI_TENANT',
      'FAAS_OBSERVABILITY_LOKI_USERNAME',
      'FAAS_OBSERVABILITY_LOKI_PASSWORD',
      'FAAS_OBSERVABILITY_LOKI_BEARER_TOKEN',
      'FAAS_OBSERVABILITY_LOKI_FORMAT',
    ],
    default: 'off',
    meaning:
      'Loki push fallback for logs (`json`, `json-gzip`, `protobuf`); its timeout is what the flush budget leaves after the OTLP logs timeout',
  },
  {
    option: 'lokiFallback',
    env: [],
    default: 'Lambda: loaded at first use; edge: none',
    meaning:
      "the Loki fallback's code, `lokiFallback` from `faas-observability/loki`: needed on the edge for `loki` to work; on Lambda, instead of a chunk loaded at first use",
  },
  {
    option: 'stdoutFallback',
    env: ['FAAS_OBSERVABILITY_STDOUT_FALLBACK'],
    default: 'true',
    meaning: 'write undeliverable spans and log records to stdout as JSON lines',
  },
  {
    option: 'circuitBackoffMs',
    env: ['FAAS_OBSERVABILITY_CIRCUIT_BACKOFF_MS'],
    default: ms(DEFAULTS.circuitBackoffMs),
    meaning: 'first back-off before probing a dead endpoint again (doubles, up to 5 min)',
  },
  {
    option: 'outbound',
    env: ['FAAS_OBSERVABILITY_OUTBOUND'],
    default: 'true',
    meaning:
      'a CLIENT span per outgoing request made in an invocation (`fetch`, `node:http(s)`; edge: service bindings, Durable Object stubs), trace context injected',
  },
  {
    option: 'propagateUrls',
    env: ['FAAS_OBSERVABILITY_PROPAGATE_URLS'],
    default: 'every destination',
    meaning:
      'where `traceparent`/`tracestate`/`baggage` go: `*`, URL prefixes, hosts, `*.domain` (comma-separated); never to signed requests (SigV4, presigned URLs)',
  },
  {
    option: 'dontPropagateUrls',
    env: ['FAAS_OBSERVABILITY_DONT_PROPAGATE_URLS'],
    default: '—',
    meaning: 'destinations that never get the trace context (same patterns; wins over `propagateUrls`)',
  },
  { option: 'registerGlobals', env: [], default: 'true', meaning: 'register the providers, propagator and context manager with the API' },
  {
    option: 'requestSigner',
    env: [],
    default: '—',
    meaning: 'signs each OTLP request (`awsOtlp()` from `faas-observability/aws`: SigV4 for the X-Ray and CloudWatch Logs endpoints)',
  },
  { option: 'spanExporter', env: [], default: 'OTLP', meaning: 'replace the span exporter (tests, other backends)' },
  { option: 'logExporter', env: [], default: 'OTLP → Loki → stdout', meaning: 'replace the log exporter chain' },
];

/** The Markdown table docs/configuration.md shows, rendered from `CONFIG_REFERENCE`. */
export function configTableMarkdown(entries: readonly ConfigEntry[] = CONFIG_REFERENCE): string {
  const rows = entries.map(
    (e) =>
      `| ${e.option ? `\`${e.option}\`` : '—'} | ${e.env.length ? e.env.map((v) => `\`${v}\``).join(', ') : '—'} | ${e.default.startsWith('http') || /^\d/.test(e.default) || ['true', 'false', 'text', 'off', 'OTLP'].includes(e.default) ? `\`${e.default}\`` : e.default} | ${e.meaning} |`,
  );
  return ['| option | environment variables | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
