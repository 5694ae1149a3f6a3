export interface Flushable {
  forceFlush?(): Promise<void>;
}

/** What one flush did; returned, never thrown. */
export interface FlushSummary {
  readonly ok: boolean;
  readonly timedOut: boolean;
  readonly durationMs: number;
  readonly errors: readonly unknown[];
}

/**
 * Runs every pipeline's flush in parallel and resolves within `boundMs` whatever they do. A pipeline is a
 * list of stages flushed in order (the batch processor hands its queue to the exporter, then the
 * exporter's in-flight requests are awaited). Never rejects; a slow export goes on in the background.
 *
 * @example
 * const summary = await flushWithin([[tracerProvider, spanExporter], [loggerProvider, logExporter]], 800);
 */
export async function flushWithin(pipelines: readonly (readonly Flushable[])[], boundMs: number): Promise<FlushSummary> {
  const started = Date.now();
  const errors: unknown[] = [];
  const all = Promise.all(
    pipelines.map(async (stages) => {
      for (const stage of stages) {
        try {
          await stage.forceFlush?.();
        } catch (error) {
          errors.push(error);
        }
      }
    }),
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, boundMs));
    (timer as { unref?: () => void }).unref?.();
  });
  try {
    const outcome = await Promise.race([all.then(() => 'done' as const), timeout]);
    const timedOut = outcome === 'timeout';
    return { ok: !timedOut && errors.length === 0, timedOut, durationMs: Date.now() - started, errors };
  } finally {
    clearTimeout(timer);
  }
}
