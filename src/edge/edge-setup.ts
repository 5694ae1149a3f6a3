import { StackContextManager } from '@opentelemetry/sdk-trace';
import { bridgeConsole } from '../console/init-log-capture.ts';
import { routedOutbound } from '../core/ambient.ts';
import { holdHook, processContextManager } from '../core/process-owner.ts';
import type { ObservabilityOptions } from '../core/config/options.ts';
import { resolveConfig } from '../core/config/resolve-config.ts';
import { createTelemetry, type Telemetry } from '../core/telemetry.ts';
import { writeMetricsAsJsonLines } from '../exporters/stdout-records.ts';
import type { OutboundTracer } from '../core/outbound/outbound-tracer.ts';
import { AlsContextManager } from './als-context-manager.ts';
import { defaultServiceName, detectRuntime, edgeEnv, edgeResourceAttributes, loadAsyncLocalStorage } from './detect-runtime.ts';
import { installGlobalFetch } from './outbound-fetch.ts';
import { compressionStreamGzip } from './compression-stream-gzip.ts';
import { sumPartialSuccess } from '../exporters/otlp/partial-success.ts';

/** Edge options: the common ones, plus the route template of a request when your router knows it. */
export interface EdgeObservabilityOptions extends ObservabilityOptions {
  readonly route?: (request: Request) => string | undefined;
}

/** Options, or a function of the Worker's `env` binding (secrets and OTEL_* values arrive there). */
export type EdgeOptionsInput<E = unknown> = EdgeObservabilityOptions | ((env: E) => EdgeObservabilityOptions);

/** A setup's telemetry in an isolate, created on its first request (when the `env` binding is known). */
export interface EdgeSetup {
  readonly telemetry: Telemetry | undefined;
  readonly options: EdgeObservabilityOptions;
  /** Whether the process keeps running after a response (Deno, Node), so a background flush completes. */
  readonly keepsRunning: boolean;
  /** CLIENT spans for outgoing requests (global fetch, service bindings, Durable Object stubs), unless turned off. */
  readonly outbound?: OutboundTracer;
}

// The flush runs after the response (waitUntil allows tens of seconds), so a slow collector can be waited
// for (the export timeouts are shares of this budget); an isolate's 128 MB serve many requests at once, so
// it holds less telemetry than a Lambda process.
const EDGE_DEFAULTS = { flushBudgetMs: 10_000, maxBufferBytes: 8 * 1024 * 1024 } as const;

const MISSING_LOKI_FALLBACK =
  "Loki is configured but this bundle has no Loki code: add `import { lokiFallback } from 'faas-observability/loki'` and pass `lokiFallback` in the options; until then, logs the OTLP endpoint does not take are written to stdout";

/**
 * Resolves the options (a function of the binding, or an object) and the environment, and builds the
 * telemetry for this runtime, attached to the isolate's console bridge and global `fetch` (shared by every
 * setup of the isolate; the first attached takes the init capture). An options function that throws does
 * not take the handler down: the environment and the defaults are used, and a warning says so. `warnings`
 * are written once it exists.
 *
 * @example
 * const setup = await createEdgeSetup(options, env, []);
 */
export async function createEdgeSetup<E>(
  input: EdgeOptionsInput<E> | undefined,
  binding: E,
  warnings: readonly string[],
): Promise<EdgeSetup> {
  let options: EdgeObservabilityOptions = {};
  let optionsError: unknown;
  try {
    options = (typeof input === 'function' ? input(binding) : input) ?? {};
  } catch (error) {
    optionsError = error;
  }
  const env = edgeEnv(binding);
  const config = resolveConfig(options, env, EDGE_DEFAULTS);
  if (config.disabled) return { telemetry: undefined, options, keepsRunning: false };
  const runtime = detectRuntime();
  const Storage = await loadAsyncLocalStorage();
  const platform = edgeResourceAttributes(runtime, env);
  const telemetry = createTelemetry({
    config,
    detectedResource: { 'service.name': defaultServiceName(platform), ...platform },
    contextManager: processContextManager(() => (Storage ? new AlsContextManager(Storage) : new StackContextManager())),
    // No loader: an edge bundle is one file (tools/build-artifacts.ts), which carries the Loki code only
    // when the user imports `faas-observability/loki` and passes it as `lokiFallback`.
    gzip: compressionStreamGzip(),
    readPartialSuccess: sumPartialSuccess,
    // No log capture turns lines into metrics here: JSON lines a log drain can carry.
    metricLines: () => writeMetricsAsJsonLines,
  });
  if (optionsError !== undefined) {
    telemetry.diagnostics.warn('the options function threw; using the environment and the defaults instead', optionsError);
  }
  for (const warning of [...setupWarnings(config, Storage !== undefined, defaultServiceName(platform)), ...warnings])
    telemetry.diagnostics.warn(warning);
  bridgeConsole(telemetry);
  const { outbound } = telemetry;
  // One traced global fetch per isolate, serving the setup whose invocation makes the request.
  if (outbound) holdHook('global-fetch', telemetry, () => installGlobalFetch(routedOutbound));
  return { telemetry, options, keepsRunning: runtime === 'deno' || runtime === 'node', outbound };
}

/** What setup says once: no AsyncLocalStorage, no service name, Loki configured without its code. */
function setupWarnings(config: ReturnType<typeof resolveConfig>, hasStorage: boolean, fallbackName: string): string[] {
  const warnings: string[] = [];
  if (!hasStorage) {
    warnings.push(
      'no AsyncLocalStorage in this runtime: logs after an await may lose their trace, and concurrent requests may mix (workerd: enable nodejs_compat)',
    );
  }
  if (!config.serviceName && config.resourceAttributes['service.name'] === undefined) {
    warnings.push(
      `service.name is ${fallbackName}: name the service with OTEL_SERVICE_NAME (a Worker variable, or the environment) or the serviceName option`,
    );
  }
  // A log exporter from the options replaces the whole chain, Loki included: nothing is missing then.
  if (config.loki && !config.provided.lokiFallback && !config.provided.logExporter) warnings.push(MISSING_LOKI_FALLBACK);
  return warnings;
}
