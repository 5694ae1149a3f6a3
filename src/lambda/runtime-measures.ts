import type { RuntimeMeasures } from '../core/metrics/faas-metrics.ts';

/**
 * What Node can tell the FaaS metrics. Init: from the process's start (`performance.timeOrigin`, which the
 * Lambda init phase's clock also starts with) to the moment the setup first wrapped a handler, the end of the
 * handler module's evaluation where `withObservability(...)` is its export. Memory: the process's peak
 * resident set so far (`maxRSS`, kibibytes: https://nodejs.org/api/process.html#processresourceusage), which
 * is what Lambda's own "Max Memory Used" reports for the environment.
 *
 * @example
 * const measures = nodeRuntimeMeasures();
 * measures.handlerWrapped(); // in wrap()
 */
export function nodeRuntimeMeasures(): RuntimeMeasures & { handlerWrapped(): void } {
  let initEndMs: number | undefined;
  return {
    handlerWrapped() {
      initEndMs ??= performance.now();
    },
    initDurationS: () => (initEndMs === undefined ? undefined : initEndMs / 1000),
    memoryBytes: () => process.resourceUsage().maxRSS * 1024,
  };
}
