import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, LogRecordProcessor, ReadableLogRecord, ReadWriteLogRecord } from '@opentelemetry/sdk-logs';

/**
 * Counts log records emitted and handed to the exporter, so a flush can wait until every record emitted
 * before it started has left the batch processor. Needed because the SDK's BatchLogRecordProcessor returns
 * at once from a `forceFlush` that overlaps another one (`if (this._flushing) return`), leaving the second
 * caller's records queued — with overlapping invocations (Lambda Managed Instances, an edge isolate) they
 * would wait for a timer that a frozen or idle runtime never runs.
 */
export class LogFlushWatermark {
  emitted = 0;
  handed = 0;

  /** A processor to put before the batch processor: counts what is emitted. */
  readonly counter: LogRecordProcessor = {
    onEmit: (_record: ReadWriteLogRecord) => {
      this.emitted++;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };

  /** Wraps the exporter the batch processor feeds: counts what it is handed. */
  wrap(exporter: LogRecordExporter): LogRecordExporter {
    return {
      export: (records: ReadableLogRecord[], done: (result: ExportResult) => void) => {
        this.handed += records.length;
        exporter.export(records, done);
      },
      forceFlush: () => exporter.forceFlush(),
      shutdown: () => exporter.shutdown(),
    };
  }

  /**
   * Flushes `processor` until every record emitted before the call was handed to the exporter (the
   * processor exports in order), then waits for the exporter. The caller bounds it in time.
   */
  flusher(processor: { forceFlush(): Promise<void> }): { forceFlush(): Promise<void> } {
    return {
      forceFlush: async () => {
        const target = this.emitted;
        await processor.forceFlush();
        while (this.handed < target) {
          // Another flush is running: give it a moment, then flush what it left.
          await new Promise((resolve) => setTimeout(resolve, 1));
          await processor.forceFlush();
        }
      },
    };
  }
}
