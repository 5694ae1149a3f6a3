import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Gives every log record a `log.record.uid` (semantic conventions) when it is emitted, before batching,
 * so a record that reached two backends (a late answer after a failover) can be de-duplicated.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), batchProcessor] });
 */
export class RecordUidProcessor implements LogRecordProcessor {
  // 64 random bits per process and a counter: unique across environments, and a fraction of a UUID's cost
  // on a path every console call takes.
  readonly #prefix = Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  #next = 0;

  onEmit(record: ReadWriteLogRecord): void {
    record.setAttribute('log.record.uid', `${this.#prefix}-${(this.#next++).toString(36)}`);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
