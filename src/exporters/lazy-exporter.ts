import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ExportFailure } from './export-failure.ts';
import { InFlight } from './in-flight.ts';

/** What a lazily loaded exporter has to offer once loaded. */
export interface LoadableExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  forceFlush?(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * An exporter whose code is loaded on its first export, through the dynamic `import()` in `load`: what only
 * some users configure (the Loki fallback and its encoders) then costs a cold start nothing until it is
 * needed. With code splitting the import loads a chunk beside the entry file; a bundler without splitting
 * inlines it, and the load is a resolved promise. The first export waits for the load inside the export,
 * so a flush waits for it within its bound; a load that fails (a chunk missing from the deploy) answers
 * FAILED with the reason, like an export that failed, so the failover reports it and hands the records to
 * the next exporter. It is tried once per process: a missing file does not appear later.
 *
 * @example
 * new LazyExporter(() => import('./loki/loki-push.ts').then((m) => new m.LokiPushExporter(config)), 'the Loki fallback');
 */
export class LazyExporter<T> implements LoadableExporter<T> {
  readonly #load: () => Promise<LoadableExporter<T>>;
  readonly #name: string;
  readonly #inFlight = new InFlight();
  #loading: Promise<LoadableExporter<T>> | undefined;

  constructor(load: () => Promise<LoadableExporter<T>>, name: string) {
    this.#load = load;
    this.#name = name;
  }

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    void this.#inFlight.track(
      this.#loaded().then(
        (exporter) =>
          new Promise<void>((resolve) => {
            const done = (result: ExportResult) => {
              resolve();
              resultCallback(result);
            };
            try {
              exporter.export(items, done);
            } catch (cause) {
              done({ code: ExportResultCode.FAILED, error: new ExportFailure(`${this.#name} threw`, false, cause) });
            }
          }),
        (cause: unknown) =>
          resultCallback({ code: ExportResultCode.FAILED, error: new ExportFailure(`${this.#name} could not be loaded`, false, cause) }),
      ),
    );
  }

  async forceFlush(): Promise<void> {
    await this.#inFlight.settled();
    await (await this.#settledExporter())?.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    await this.#inFlight.settled();
    await (await this.#settledExporter())?.shutdown();
  }

  #loaded(): Promise<LoadableExporter<T>> {
    // A loader that throws synchronously is a failed load too.
    return (this.#loading ??= Promise.resolve().then(this.#load));
  }

  async #settledExporter(): Promise<LoadableExporter<T> | undefined> {
    return this.#loading?.catch(() => undefined);
  }
}
