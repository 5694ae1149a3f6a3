export interface Flushable {
  forceFlush?(): Promise<void> | void;
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
export function flushWithin(pipelines: readonly (readonly Flushable[])[], boundMs: number): Promise<FlushSummary> {
  const started = Date.now();
  const errors: unknown[] = [];
  // Callbacks rather than async functions and Promise.race: this runs once per invocation, and the
  // promise machinery was most of its cost. A second settle (the timer after the flush) changes nothing.
  return new Promise((resolve) => {
    const settle = (timedOut: boolean) => {
      clearTimeout(timer);
      resolve({ ok: !timedOut && errors.length === 0, timedOut, durationMs: Date.now() - started, errors });
    };
    const timer = setTimeout(settle, Math.max(0, boundMs), true);
    (timer as { unref?: () => void }).unref?.();
    let left = pipelines.length + 1;
    const pipelineDone = () => --left || settle(false);
    for (const stages of pipelines) flushStages(stages, 0, errors, pipelineDone);
    pipelineDone();
  });
}

/** Flushes `stages` in order from `index`, collecting errors, then calls `done`. */
function flushStages(stages: readonly Flushable[], index: number, errors: unknown[], done: () => void): void {
  if (index === stages.length) return done();
  const next = () => flushStages(stages, index + 1, errors, done);
  const failed = (error: unknown) => {
    errors.push(error);
    next();
  };
  // As `await` would take it: a throw, a rejection, a promise or any value; the stage starts at once. A
  // native promise is followed directly: wrapping it in a new promise costs two more turns and a promise
  // per stage, four stages every invocation (bench/RESULTS.md, warm overhead).
  let result: unknown;
  try {
    result = stages[index]!.forceFlush?.();
  } catch (error) {
    return void Promise.resolve().then(() => failed(error));
  }
  (result instanceof Promise ? result : Promise.resolve(result)).then(next, failed);
}
