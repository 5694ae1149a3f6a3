import { vi } from 'vitest';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { InMemoryLogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { createLambdaObservability, type LambdaObservability, type LambdaObservabilityOptions } from '../../src/lambda.ts';
import { CONSOLE_METHODS } from '../../src/core/console-originals.ts';
import { LAMBDA_ENV } from './lambda-context.ts';

export interface ConsoleLine {
  readonly method: string;
  readonly args: unknown[];
}

export interface TestObservability extends LambdaObservability {
  readonly spans: () => ReadableSpan[];
  readonly logs: () => ReadableLogRecord[];
  /** What reached the original console methods (the stdout/stderr lines). */
  readonly lines: ConsoleLine[];
  dispose(): Promise<void>;
}

/**
 * A Lambda observability setup with the SDK's in-memory exporters, whose console "originals" are recorders,
 * so tests see both the log records and the lines that would reach stdout. Metrics are off unless the
 * options turn them on (they have no in-memory exporter: the metrics tests read them from a loopback receiver).
 */
export function testObservability(options: LambdaObservabilityOptions = {}, env: Record<string, string> = {}): TestObservability {
  const lines: ConsoleLine[] = [];
  const saved = new Map<string, unknown>();
  const slot = console as unknown as Record<string, unknown>;
  for (const method of CONSOLE_METHODS) {
    saved.set(method, slot[method]);
    slot[method] = (...args: unknown[]) => {
      lines.push({ method, args });
    };
  }
  const spanExporter = new InMemorySpanExporter();
  const logExporter = new InMemoryLogRecordExporter();
  const observability = createLambdaObservability({ spanExporter, logExporter, metrics: false, ...options }, { ...LAMBDA_ENV, ...env });
  return {
    ...observability,
    wrap: observability.wrap,
    spans: () => spanExporter.getFinishedSpans(),
    logs: () => logExporter.getFinishedLogRecords(),
    lines,
    async dispose() {
      await observability.shutdown();
      for (const [method, fn] of saved) slot[method] = fn;
    },
  };
}

/**
 * Loads the library afresh after replacing console.warn/error with recorders (and silencing console.log), as
 * Lambda's runtime patches the console before the handler loads. The library writes its diagnostics through
 * the console methods it captured at load, so they land in `written` as `warn: …` / `error: …` (stderr).
 * The caller restores the console.
 */
export async function loadWithRecordedConsole(): Promise<{
  written: string[];
  createLambdaObservability: typeof createLambdaObservability;
}> {
  const written: string[] = [];
  console.warn = (...args: unknown[]) => written.push(`warn: ${args.join(' ')}`);
  console.error = (...args: unknown[]) => written.push(`error: ${args.join(' ')}`);
  console.log = () => {};
  // A bridge another test left installed (withObservability keeps its setup) would keep the old originals.
  (console as unknown as Record<symbol, { uninstall(): void } | undefined>)[Symbol.for('faas-observability.console-bridge')]?.uninstall();
  vi.resetModules();
  const fresh = await import('../../src/lambda.ts');
  return { written, createLambdaObservability: fresh.createLambdaObservability };
}
