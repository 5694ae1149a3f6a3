import type { Resource } from '@opentelemetry/resources';
import type { DeliveryReport } from '../../exporters/delivery-report.ts';
import type { MetricRecord } from '../../exporters/metric-record.ts';
import type { ExportQueue } from '../../exporters/export-queue.ts';
import type { MetricsConfig } from '../config/resolved-config.ts';
import type { Attributes } from '@opentelemetry/api';
import { FaasMetrics, type InvocationOutcome, type RuntimeMeasures } from './faas-metrics.ts';
import { CollectingMeterProvider } from './meter-provider.ts';
import { temporalityFor } from './temporality.ts';
import { claimUserMeters, collectsUserMeters, declineUserMeters, processMeterProvider, releaseUserMeters } from './process-meters.ts';

/** One setup's metrics: the built-in FaaS instruments, and the user meters when this setup collects them. */
export interface TelemetryMetrics {
  readonly faas: FaasMetrics;
  /** Counts one invocation in the FaaS metrics (exactly one of success, error, timeout), from what the lifecycle saw. */
  countInvocation(ended: InvocationEnded): void;
  /** Takes one point per series of every instrument and queues them (awaiting observable callbacks that return a promise). */
  collect(): void | Promise<void>;
  /** Stops collecting the user meters (the next setup that claimed them does). */
  release(): void;
}

/** How an invocation ended, as the lifecycle saw it: what its span started with and what its outcome recorded. */
export interface InvocationEnded {
  readonly outcome: InvocationOutcome['outcome'];
  readonly durationS: number;
  readonly coldStart: boolean;
  /** The attributes the invocation's span started with (`faas.trigger`, the HTTP request's). */
  readonly started: Attributes;
  /** The attributes the outcome's recording set (the status code, `error.type`). */
  readonly recorded: Attributes;
}

export interface TelemetryMetricsInputs {
  readonly setup: object;
  readonly config: MetricsConfig;
  readonly registerGlobals: boolean;
  readonly resource: Resource;
  readonly queue: ExportQueue<MetricRecord>;
  readonly report: DeliveryReport;
  /** What only the runtime can measure (init duration, peak memory). */
  readonly runtimeMeasures: RuntimeMeasures;
  /** Redacts the user meters' records (their attributes are the user's); the built-in ones carry none of theirs. */
  readonly redact?: (record: MetricRecord) => MetricRecord;
}

/**
 * The metrics of one setup. The built-in instruments have a provider of their own (under this setup's
 * resource); the user meters are the process's (`processMeterProvider`), collected by the first setup that
 * lends the API its globals. One collection per flush, in the same flush as spans and logs.
 *
 * @example
 * const metrics = createTelemetryMetrics({ setup, config: config.metrics, registerGlobals: true, resource, queue, report });
 * metrics.faas.invocation({ trigger: 'http', outcome: 'success', durationS: 0.01, coldStart: false });
 */
export function createTelemetryMetrics(inputs: TelemetryMetricsInputs): TelemetryMetrics {
  const { setup, config, resource, queue, report } = inputs;
  const builtIn = new CollectingMeterProvider({ cardinalityLimit: config.cardinalityLimit });
  const temporality = temporalityFor(config.temporality);
  if (inputs.registerGlobals) {
    claimUserMeters(setup);
    if (collectsUserMeters(setup)) processMeterProvider().cardinalityLimit = config.cardinalityLimit;
  } else declineUserMeters();
  const enqueue = (records: readonly MetricRecord[], problems: readonly string[], redact = (record: MetricRecord) => record) => {
    for (const record of records) queue.add(redact(record));
    for (const problem of problems) report.note(`metrics: ${problem}`);
  };
  const faas = new FaasMetrics(builtIn);
  const { initDurationS, memoryBytes } = inputs.runtimeMeasures;
  return {
    faas,
    countInvocation({ outcome, durationS, coldStart, started, recorded }) {
      const trigger = started['faas.trigger'];
      faas.invocation({
        trigger: typeof trigger === 'string' ? trigger : 'other',
        outcome,
        durationS,
        coldStart,
        initDurationS: coldStart ? initDurationS?.() : undefined,
        memoryBytes: memoryBytes?.(),
        http: trigger === 'http' ? { ...started, ...recorded } : undefined,
      });
    },
    collect() {
      enqueue(builtIn.collect(resource, temporality) as MetricRecord[], builtIn.takeProblems());
      if (!collectsUserMeters(setup)) return;
      const user = processMeterProvider();
      if (!user.used) return;
      const collected = user.collect(resource, temporality);
      if (Array.isArray(collected)) return enqueue(collected, user.takeProblems(), inputs.redact);
      return collected.then((records) => enqueue(records, user.takeProblems(), inputs.redact));
    },
    release: () => releaseUserMeters(setup),
  };
}
