import type { LogRecordProcessor, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Gives every log record a `log.record.uid` (semantic conventions) when it is emitted, before batching,
 * so a record that reached two backends (a late answer after a failover) can be de-duplicated.
 *
 * @example
 * new LoggerProvider({ processors: [new RecordUidProcessor(), batchProcessor] });
 */
export class RecordUidProcessor implements LogRecordProcessor {
  onEmit(record: ReadWriteLogRecord): void {
    record.setAttribute('log.record.uid', crypto.randomUUID());
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
