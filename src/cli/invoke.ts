import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { RuntimeApiServer, type InvocationResult } from './lambda-runtime/runtime-api-server.ts';
import type { InvokeOptions } from './invoke-options.ts';
import { renderMetrics } from './metric-view.ts';
import { startOtlpTap } from './otlp-tap.ts';
import { renderTraces } from './trace-view.ts';
import type { UserHandler } from './user-handler.ts';

// What reaches the function from the caller's shell, as a function's configuration would: the SDK's and the
// library's settings, and the managed runtime's exec wrapper (the Lambda layer's way in).
const PASSED_THROUGH = /^(OTEL_|FAAS_OBSERVABILITY_)|^(AWS_LAMBDA_EXEC_WRAPPER|NODE_OPTIONS)$/;
// What would send the telemetry past the receiver (the per-signal endpoints win over the base one): dropped,
// from the shell and from --env alike; --endpoint is the way to a collector.
const BYPASSING = /^OTEL_EXPORTER_OTLP_((TRACES|LOGS|METRICS)_)?ENDPOINT$/;

/**
 * Runs the user's function under the local Runtime API (frozen at every /next) with its telemetry sent to a
 * loopback receiver (forwarded to `--endpoint` when given), then prints each response and what was exported
 * before the freeze. Resolves to the exit code: 0 when every invocation succeeded, 1 otherwise.
 *
 * @example
 * process.exitCode = await runInvoke(options, resolved, (text) => process.stdout.write(text));
 */
export async function runInvoke(
  options: InvokeOptions,
  user: UserHandler,
  write: (text: string) => void,
  interrupted: AbortSignal = new AbortController().signal,
): Promise<number> {
  const results: InvocationResult[] = [];
  const dropped = Object.keys({ ...process.env, ...options.env }).filter(
    (key) => BYPASSING.test(key) && key !== 'OTEL_EXPORTER_OTLP_ENDPOINT',
  );
  const tap = await startOtlpTap(options.endpoint);
  let lambda: RuntimeApiServer | undefined;
  try {
    lambda = await RuntimeApiServer.start({
      taskRoot: user.taskRoot,
      handler: user.handler,
      functionName: options.functionName ?? defaultName(user),
      timeoutMs: options.timeoutMs,
      memoryMb: options.memoryMb,
      env: { ...functionEnv({ ...passedThrough(process.env), ...options.env }), OTEL_EXPORTER_OTLP_ENDPOINT: tap.url },
      onOutput: options.quiet ? undefined : (_stream, text) => write(text.replace(/^(?=.)/gm, '  │ ')),
    });
    write(
      `invoke: ${user.handler} (task root ${user.taskRoot}), event ${options.eventLabel}, ${options.times}×, timeout ${options.timeoutMs} ms, ` +
        `telemetry to ${options.endpoint ? `${options.endpoint} (and shown here)` : 'the embedded receiver'}\n` +
        (dropped.length > 0 ? `ignored: ${dropped.join(', ')} (they would bypass the receiver: use --endpoint)\n` : ''),
    );
    await invokeAll(lambda, options, write, results, interrupted);
  } finally {
    // Lambda retires the environment: what was not exported before the last freeze is lost here, as there.
    // Interrupted, the process is killed at once (SIGKILL ends a stopped process too), whatever it was doing.
    await lambda?.stop(interrupted.aborted ? { graceful: false, now: true } : {});
    await tap.close();
  }
  if (interrupted.aborted) {
    write(`interrupted (${String(interrupted.reason)}): the function's process is killed\n`);
    return 1;
  }
  const initFailed = results.some((r) => r.status === 'init-error');
  write(`${report(tap.report, options.attributes, initFailed)}\n`);
  write(`invocations: ${count(results.map((r) => r.status))}; cold starts: ${lambda!.processNumber}; freezes: ${lambda!.freezes}\n`);
  return results.every((r) => r.status === 'success') ? 0 : 1;
}

/** Invokes `options.times` times, each result written as it comes; stops at an init error or an interruption. */
async function invokeAll(
  lambda: RuntimeApiServer,
  options: InvokeOptions,
  write: (text: string) => void,
  results: InvocationResult[],
  interrupted: AbortSignal,
): Promise<void> {
  const aborted = new Promise<undefined>((resolve) => interrupted.addEventListener('abort', () => resolve(undefined), { once: true }));
  for (let i = 0; i < options.times && !interrupted.aborted; i++) {
    const result = await Promise.race([lambda.invoke(options.event), aborted]);
    if (!result) return;
    results.push(result);
    write(`#${i + 1} ${result.status} in ${result.durationMs.toFixed(1)} ms (process ${result.processNumber}): ${result.payload}\n`);
    // A failed init fails every invocation the same way: once is enough.
    if (result.status === 'init-error') {
      write(`the function's init failed, as it would on Lambda: ${errorLine(result.payload)}\n`);
      return;
    }
  }
}

function report(tapped: Awaited<ReturnType<typeof startOtlpTap>>['report'], attributes: boolean, initFailed: boolean): string {
  const { spans, logs, metrics, upstream } = tapped;
  if (spans.length + logs.length + metrics.length === 0)
    return (
      (initFailed
        ? '\nnothing exported'
        : '\nnothing exported before the freeze: does the function use faas-observability (withObservability, or the Lambda layer)?') +
      `\nexport requests: ${count(upstream)}`
    );
  const correlated = logs.filter((l) => l.spanId !== '').length;
  return [
    renderTraces(spans, logs, { attributes }),
    ...(metrics.length > 0 ? ['', renderMetrics(metrics)] : []),
    '',
    `exported: ${spans.length} span(s) in ${new Set(spans.map((s) => s.traceId)).size} trace(s), ${logs.length} log record(s) (${correlated} inside a span), ` +
      `${new Set(metrics.map((m) => m.name)).size} metric(s); export requests: ${count(upstream)}`,
  ].join('\n');
}

/** The task root's package name, else the file's: what `service.name` shows (Lambda takes the function's). */
function defaultName(user: UserHandler): string {
  let name: unknown;
  try {
    name = JSON.parse(readFileSync(join(user.taskRoot, 'package.json'), 'utf8')).name;
  } catch {
    // No package.json (a bare bundle folder): the file's name.
  }
  // Lambda's function names: letters, digits, hyphens and underscores.
  const cleaned = typeof name === 'string' ? name.replace(/^@/, '').replace(/[^\w-]+/g, '-') : '';
  return cleaned || basename(user.file).replace(/\..*$/, '');
}

/** `Runtime.HandlerNotFound: index.nope is undefined or not exported`, from the runtime's error payload. */
function errorLine(payload: string): string {
  try {
    const { errorType, errorMessage } = JSON.parse(payload) as { errorType?: string; errorMessage?: string };
    return `${errorType}: ${errorMessage}`;
  } catch {
    return payload;
  }
}

/** The function's variables without those that would bypass the receiver. */
function functionEnv(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !BYPASSING.test(key)));
}

function passedThrough(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && PASSED_THROUGH.test(entry[0])),
  );
}

function count(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} ${value}`).join(', ') || 'none';
}
