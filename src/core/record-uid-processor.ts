import type { HrTime } from '@opentelemetry/api';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { derivedRecordUid } from '../exporters/record-uid.ts';

// A record this close behind the last one (the same millisecond tick of Date.now(), clock jitter) is moved
// just after it rather than given a random uid: timestamps stay in order, and its uid stays derivable.
const NUDGE_WINDOW_NS = 1_000_000;

/**
 * Gives every log record a `log.record.uid` (semantic conventions) when it is emitted, before batching,
 * so a record that reached two backends (a late answer after a failover, a spilled request that landed) can
 * be de-duplicated. In a span, the uid is derived (`derivedRecordUid`: span id and timestamp, made unique
 * by moving a record's timestamp a nanosecond past the previous one's), and the OTLP request leaves it out:
 * every copy carries the fields it is computed from. Outside a span, 64 random bits per process and a counter.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), batchProcessor] });
 */
export class RecordUidProcessor implements LogRecordProcessor {
  readonly #prefix = Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  #next = 0;
  #last: HrTime = [0, 0];

  onEmit(record: ReadWriteLogRecord): void {
    record.setAttribute('log.record.uid', this.#derived(record) ?? `${this.#prefix}-${(this.#next++).toString(36)}`);
  }

  /** The derived uid, once the record's timestamp is strictly after the last derived one; else undefined. */
  #derived(record: ReadWriteLogRecord): string | undefined {
    if (derivedRecordUid(record) === undefined) return undefined;
    const [seconds, nanos] = record.hrTime;
    const [lastSeconds, lastNanos] = this.#last;
    const behindNs = (lastSeconds - seconds) * 1e9 + (lastNanos - nanos);
    if (behindNs >= NUDGE_WINDOW_NS) return undefined; // an explicit older timestamp: kept as given
    if (behindNs >= 0) {
      const next = lastNanos + 1;
      (record as { hrTime: HrTime }).hrTime = next === 1e9 ? [lastSeconds + 1, 0] : [lastSeconds, next];
    }
    this.#last = record.hrTime;
    return derivedRecordUid(record);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
