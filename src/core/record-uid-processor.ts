import { isSpanContextValid, type HrTime, type SpanContext } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';
import { LOG_RECORD_UID, recordUidOf } from '../exporters/record-uid.ts';

// A record this close behind the last one (the same millisecond tick of Date.now(), clock jitter) is moved
// just after it rather than given a random uid: timestamps stay in order, and its uid stays derivable.
const NUDGE_WINDOW_NS = 1_000_000;

/** What the console bridge stamps its records with: a timestamp and the uid derived from it, in a span. */
export interface RecordStamp {
  readonly hrTime: HrTime;
  readonly uid: string;
}

/**
 * Gives every log record a `log.record.uid` (semantic conventions) when it is emitted, before batching,
 * so a record that reached two backends (a late answer after a failover, a spilled request that landed) can
 * be de-duplicated. In a span, the uid is derived (`derivedRecordUid`: span id and timestamp, made unique
 * by moving a record's timestamp a nanosecond past the previous one's), and the OTLP request leaves it out:
 * every copy carries the fields it is computed from. Outside a span, 64 random bits per process and a counter.
 *
 * The console bridge stamps its records itself (`stamp`) before `logger.emit` and sends the uid with the
 * attributes the SDK copies anyway: setting it here afterwards would make the SDK validate and copy it again.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), batchProcessor] });
 */
export class RecordUidProcessor implements LogRecordProcessor {
  // Drawn on first use (~3 ms of cold start otherwise): only records outside a span (init logs) need it.
  #prefix: string | undefined;
  #next = 0;
  #last: HrTime = [0, 0];
  /** The timestamp `stamp` handed out last: its record already carries its uid. */
  #stamped: HrTime | undefined;
  /** The span context `stamp` last found valid (one per invocation, checked once). */
  #valid: SpanContext | undefined;

  /**
   * A new record's timestamp and derived uid; undefined outside a (valid) span, and when the time is
   * further behind the last stamp than the nudge window (the wall clock stepped back: NTP): the record
   * is then emitted unstamped and `onEmit` gives it a random uid, as any record it cannot order.
   */
  stamp(span: SpanContext | undefined, epochMillis: number): RecordStamp | undefined {
    if (!span || (span !== this.#valid && !isSpanContextValid(span))) return undefined;
    this.#valid = span;
    const hrTime = this.#after(millisToHrTime(epochMillis));
    if (!hrTime) return undefined;
    this.#stamped = hrTime;
    return { hrTime, uid: recordUidOf(span.spanId, hrTime) };
  }

  onEmit(record: ReadWriteLogRecord): void {
    // The SDK keeps the timestamp array it was given: a record the bridge stamped is left as it is.
    if (record.hrTime === this.#stamped) return;
    const span = record.spanContext;
    // In a span, derived once the timestamp is strictly after the last one; an explicit older time is kept
    // as given and, like a record outside a span, gets a random uid.
    const time = span && isSpanContextValid(span) && this.#after(record.hrTime);
    if (time) (record as { hrTime: HrTime }).hrTime = time;
    record.setAttribute(
      LOG_RECORD_UID,
      time ? recordUidOf(span!.spanId, time) : `${(this.#prefix ??= randomHex())}-${(this.#next++).toString(36)}`,
    );
  }

  /** `time`, or just after the last timestamp when within the nudge window behind it; undefined further back. */
  #after(time: HrTime): HrTime | undefined {
    const [seconds, nanos] = time;
    const [lastSeconds, lastNanos] = this.#last;
    const behindNs = (lastSeconds - seconds) * 1e9 + (lastNanos - nanos);
    if (behindNs >= NUDGE_WINDOW_NS) return undefined;
    if (behindNs >= 0) time = lastNanos + 1 === 1e9 ? [lastSeconds + 1, 0] : [lastSeconds, lastNanos + 1];
    return (this.#last = time);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** 64 random bits: drawn on first use, since the first read of the global `crypto` loads Node's Web Crypto. */
function randomHex(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}
