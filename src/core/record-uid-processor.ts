import { isSpanContextValid, type HrTime, type SpanContext } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

// A record this close behind the last one (the same millisecond tick of Date.now(), clock jitter) is moved
// just after it rather than given a random uid: timestamps stay in order, and its uid stays derivable.
const NUDGE_WINDOW_NS = 1_000_000;

/**
 * The `log.record.uid` of a record in a span: `<span_id>-<time_unix_nano>`, as `derivedRecordUid` computes
 * it from any copy of the record.
 */
function uidOf(spanId: string, [seconds, nanos]: HrTime): string {
  return `${spanId}-${seconds}${String(nanos).padStart(9, '0')}`;
}

/**
 * The process-wide record clock of one telemetry setup: strictly increasing timestamps for records in a span
 * (so `<span_id>-<time_unix_nano>` is unique) and random uids for the others. The console bridge stamps its
 * records before `logger.emit`, passing the uid among the attributes it already sends (the SDK copies them
 * once); `RecordUidProcessor` stamps every other record.
 *
 * @example
 * const clock = new RecordUidClock();
 * const stamp = clock.stampInSpan(spanContext, Date.now()); // { hrTime, uid } or undefined outside a span
 */
export class RecordUidClock {
  readonly #prefix = Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  #next = 0;
  #last: HrTime = [0, 0];
  #validSpan: SpanContext | undefined;

  /** The timestamp last handed out by `stampInSpan` (the processor leaves that record as it is). */
  issued: HrTime | undefined;

  /** A fresh record's timestamp and derived uid when `span` is valid; undefined outside a span. */
  stampInSpan(span: SpanContext | undefined, epochMillis: number): { readonly hrTime: HrTime; readonly uid: string } | undefined {
    if (span === undefined) return undefined;
    // The span context of one invocation is checked once, not once per console line.
    if (span !== this.#validSpan) {
      if (!isSpanContextValid(span)) return undefined;
      this.#validSpan = span;
    }
    const hrTime = this.next(millisToHrTime(epochMillis))!;
    this.issued = hrTime;
    return { hrTime, uid: uidOf(span.spanId, hrTime) };
  }

  /**
   * `time`, or just after the last timestamp when `time` is within the nudge window behind it; undefined for
   * an explicit older time (kept as given, its record gets a random uid).
   */
  next(time: HrTime): HrTime | undefined {
    const [seconds, nanos] = time;
    const [lastSeconds, lastNanos] = this.#last;
    const behindNs = (lastSeconds - seconds) * 1e9 + (lastNanos - nanos);
    if (behindNs >= NUDGE_WINDOW_NS) return undefined;
    if (behindNs >= 0) {
      const moved = lastNanos + 1;
      time = moved === 1e9 ? [lastSeconds + 1, 0] : [lastSeconds, moved];
    }
    this.#last = time;
    return time;
  }

  /** 64 random bits per process and a counter. */
  randomUid(): string {
    return `${this.#prefix}-${(this.#next++).toString(36)}`;
  }
}

/**
 * Gives every log record a `log.record.uid` (semantic conventions) when it is emitted, before batching,
 * so a record that reached two backends (a late answer after a failover, a spilled request that landed) can
 * be de-duplicated. In a span, the uid is derived (`derivedRecordUid`: span id and timestamp, made unique
 * by moving a record's timestamp a nanosecond past the previous one's), and the OTLP request leaves it out:
 * every copy carries the fields it is computed from. Outside a span, 64 random bits per process and a counter.
 * Records the console bridge stamped with the same clock already carry theirs.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), batchProcessor] });
 */
export class RecordUidProcessor implements LogRecordProcessor {
  readonly clock: RecordUidClock;

  constructor(clock: RecordUidClock = new RecordUidClock()) {
    this.clock = clock;
  }

  onEmit(record: ReadWriteLogRecord): void {
    // Stamped by the console bridge: its uid came with the attributes (the SDK keeps the timestamp array it was given).
    if (record.hrTime === this.clock.issued) return;
    record.setAttribute('log.record.uid', this.#derived(record) ?? this.clock.randomUid());
  }

  /** The derived uid, once the record's timestamp is strictly after the last derived one; else undefined. */
  #derived(record: ReadWriteLogRecord): string | undefined {
    const span = record.spanContext;
    if (span === undefined || !isSpanContextValid(span)) return undefined;
    const time = this.clock.next(record.hrTime);
    if (time === undefined) return undefined; // an explicit older timestamp: kept as given
    if (time !== record.hrTime) (record as { hrTime: HrTime }).hrTime = time;
    return uidOf(span.spanId, time);
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
