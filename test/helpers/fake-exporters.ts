import { ExportResultCode, type ExportResult } from '@opentelemetry/core';

interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Wraps an exporter so each export answers after `delayMs`, or never when `delayMs` is Infinity. `onExport`
 * is told when each export starts: a test waits for that instead of sleeping and hoping it started.
 */
export function delayedExporter<T, E extends Exporter<T>>(inner: E, delayMs: number, onExport?: (items: T[]) => void): E {
  const pending = new Set<Promise<void>>();
  return Object.assign(Object.create(inner) as E, {
    export(items: T[], done: (result: ExportResult) => void) {
      onExport?.(items);
      if (!Number.isFinite(delayMs)) return; // a collector that accepts and never answers
      const finished = new Promise<void>((resolve) =>
        setTimeout(() => {
          inner.export(items, (result) => {
            done(result);
            resolve();
          });
        }, delayMs),
      );
      pending.add(finished);
      void finished.finally(() => pending.delete(finished));
    },
    async forceFlush() {
      await Promise.all([...pending]);
    },
  });
}

/** An exporter that fails every export with a cause, as a dead collector would. */
export function failingExporter<T>(): Required<Exporter<T>> & { calls: number } {
  return {
    calls: 0,
    forceFlush: async () => {},
    export(_items, done) {
      this.calls += 1;
      done({ code: ExportResultCode.FAILED, error: new Error('export failed', { cause: new Error('ECONNREFUSED') }) });
    },
    shutdown: async () => {},
  };
}

/** A gate a test opens by hand, to interleave two invocations deterministically. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/**
 * Exporters that hold each export until `count` exports are waiting across all of them, then answer them
 * together: exports made one after the other never get an answer, so only a parallel flush delivers.
 */
export function answeredTogether(count: number): <T, E extends Exporter<T>>(inner: E) => E {
  let waiting: (() => void)[] = [];
  return <T, E extends Exporter<T>>(inner: E) =>
    Object.assign(Object.create(inner) as E, {
      export(items: T[], done: (result: ExportResult) => void) {
        waiting.push(() => inner.export(items, done));
        if (waiting.length < count) return;
        const ready = waiting;
        waiting = [];
        for (const answer of ready) answer();
      },
    });
}
