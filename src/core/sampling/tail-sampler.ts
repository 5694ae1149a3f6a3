import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';
import { holdOf } from './hold-context.ts';

/**
 * The head sampler, unchanged outside invocations; inside one (tail sampling on), a span the head sampler
 * drops is still recorded, without the sampled flag: it waits in the invocation's hold for the outcome, and
 * outgoing `traceparent` headers carry the head decision (`-00`), as downstream services expect of it.
 *
 * @example
 * new TracerProvider({ sampler: new TailSampler(samplerFor(config.sampler)) });
 */
export class TailSampler implements Sampler {
  readonly #head: Sampler;

  constructor(head: Sampler) {
    this.#head = head;
  }

  shouldSample(context: Context, traceId: string, name: string, kind: SpanKind, attributes: Attributes, links: Link[]): SamplingResult {
    const result = this.#head.shouldSample(context, traceId, name, kind, attributes, links);
    if (result.decision !== SamplingDecision.NOT_RECORD || !holdOf(context)) return result;
    return { ...result, decision: SamplingDecision.RECORD };
  }

  toString(): string {
    return `TailSampler{${this.#head.toString()}}`;
  }
}
