import type { Resource } from '@opentelemetry/resources';
import type { DeliveryReport } from '../../exporters/delivery-report.ts';
import type { MetricRecord } from '../../exporters/metric-record.ts';
import type { ExportQueue } from '../../exporters/export-queue.ts';
import type { MetricsConfig } from '../config/resolved-config.ts';
import { FaasMetrics } from './faas-metrics.ts';
import { CollectingMeterProvider, temporalityFor } from './meter-provider.ts';
import { claimUserMeters, collectsUserMeters, declineUserMeters, processMeterProvider, releaseUserMeters } from './process-meters.ts';

/** One setup's metrics: the built-in FaaS instruments, and the user meters when this setup collects them. */
export interface TelemetryMetrics {
  readonly faas: FaasMetrics;
  /** Takes one point per series of every instrument and queues them (awaiting observable callbacks that return a promise). */
  collect(): void | Promise<void>;
  /** Stops collecting the user meters (the next setup that claimed them does). */
  release(): void;
}

export interface TelemetryMetricsInputs {
  readonly setup: object;
  readonly config: MetricsConfig;
  readonly registerGlobals: boolean;
  readonly resource: Resource;
  readonly queue: ExportQueue<MetricRecord>;
  readonly report: DeliveryReport;
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
  const enqueue = (records: readonly MetricRecord[], problems: readonly string[]) => {
    for (const record of records) queue.add(record);
    for (const problem of problems) report.note(`metrics: ${problem}`);
  };
  return {
    faas: new FaasMetrics(builtIn),
    collect() {
      enqueue(builtIn.collect(resource, temporality) as MetricRecord[], builtIn.takeProblems());
      if (!collectsUserMeters(setup)) return;
      const user = processMeterProvider();
      if (!user.used) return;
      const collected = user.collect(resource, temporality);
      if (Array.isArray(collected)) return enqueue(collected, user.takeProblems());
      return collected.then((records) => enqueue(records, user.takeProblems()));
    },
    release: () => releaseUserMeters(setup),
  };
}
