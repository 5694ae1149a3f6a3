import type { AnyValue, Attributes } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace';
import type { MetricRecord } from '../../exporters/metric-record.ts';
import type { Redactor } from './redactor.ts';

const settled = () => Promise.resolve();

/**
 * Redacts each log record once, as it is emitted and before anything queues, holds or exports it: every
 * path (OTLP, the Loki fallback, the stdout fallback, a user exporter) gets the redacted record. The SDK lets
 * a processor change the record during `onEmit`. A failure inside redaction withholds the record's content
 * rather than export it unredacted.
 *
 * @example
 * new LoggerProvider({ processors: [new RedactingLogRecordProcessor(redactor), queueProcessor] });
 */
export class RedactingLogRecordProcessor implements LogRecordProcessor {
  readonly #redactor: Redactor;
  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }
  onEmit(record: ReadWriteLogRecord): void {
    const redactor = this.#redactor;
    const attributes = record.attributes as Record<string, AnyValue>;
    try {
      if (record.body !== undefined && record.body !== null) record.body = redactor.anyValue(record.body);
      for (const key of Object.keys(attributes)) attributes[key] = redactor.anyValue(attributes[key]!, key);
    } catch {
      record.body = redactor.replacement;
      for (const key of Object.keys(attributes)) attributes[key] = redactor.replacement;
    }
  }
  forceFlush = settled;
  shutdown = settled;
}

/**
 * Redacts each span once when it ends, before the processors after it see it: its attributes, its events'
 * (an exception's message), its links' and its status message. The span is no longer written to then;
 * its attribute objects are its own.
 *
 * @example
 * new TracerProvider({ spanProcessors: [new RedactingSpanProcessor(redactor), queueProcessor] });
 */
export class RedactingSpanProcessor implements SpanProcessor {
  readonly #redactor: Redactor;
  constructor(redactor: Redactor) {
    this.#redactor = redactor;
  }
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    const redactor = this.#redactor;
    const owned = [span.attributes, ...span.events.map((e) => e.attributes), ...span.links.map((l) => l.attributes)];
    try {
      for (const attributes of owned) if (attributes) redactor.attributes(attributes as Attributes);
      const status = span.status as { message?: string };
      if (status.message) status.message = redactor.text(status.message);
    } catch {
      for (const attributes of owned)
        if (attributes) for (const key of Object.keys(attributes)) (attributes as Attributes)[key] = redactor.replacement;
    }
  }
  forceFlush = settled;
  shutdown = settled;
}

/**
 * A metric record with its points' attributes redacted; the record itself when none changes (the series'
 * attribute objects are shared across collections and never written).
 *
 * @example
 * queue.add(redactMetricRecord(record, redactor));
 */
export function redactMetricRecord(record: MetricRecord, redactor: Redactor): MetricRecord {
  let changed = false;
  const points = record.data.points.map((point) => {
    const attributes = { ...point.attributes };
    redactor.attributes(attributes);
    if (Object.keys(attributes).every((key) => attributes[key] === point.attributes[key])) return point;
    changed = true;
    return { ...point, attributes };
  });
  return changed ? { ...record, data: { ...record.data, points } as MetricRecord['data'] } : record;
}
