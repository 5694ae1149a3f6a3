import { SpanStatusCode, type AttributeValue, type Attributes, type Span } from '@opentelemetry/api';

/**
 * A span as the outcome's recording sees it, that also remembers what was recorded: whether the status was
 * set to ERROR and the attributes set. The metrics count every invocation from it, including those whose span
 * is not recorded (a sampler that dropped it answers nothing when read).
 *
 * @example
 * const watched = new OutcomeSpan(span);
 * trigger.onResult(watched, result);
 * if (watched.failed) errors.add(1);
 */
export class OutcomeSpan implements Span {
  readonly #span: Span;
  failed = false;
  readonly attributes: Attributes = {};

  constructor(span: Span) {
    this.#span = span;
  }

  spanContext() {
    return this.#span.spanContext();
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    this.#span.setAttribute(key, value);
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    this.#span.setAttributes(attributes);
    return this;
  }
  addEvent(...args: Parameters<Span['addEvent']>): this {
    this.#span.addEvent(...args);
    return this;
  }
  addLink(...args: Parameters<Span['addLink']>): this {
    this.#span.addLink(...args);
    return this;
  }
  addLinks(...args: Parameters<Span['addLinks']>): this {
    this.#span.addLinks(...args);
    return this;
  }
  setStatus(status: Parameters<Span['setStatus']>[0]): this {
    if (status?.code === SpanStatusCode.ERROR) this.failed = true;
    this.#span.setStatus(status);
    return this;
  }
  updateName(name: string): this {
    this.#span.updateName(name);
    return this;
  }
  end(endTime?: Parameters<Span['end']>[0]): void {
    this.#span.end(endTime);
  }
  isRecording(): boolean {
    return this.#span.isRecording();
  }
  recordException(...args: Parameters<Span['recordException']>): void {
    this.#span.recordException(...args);
  }
}
