import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** What `faas-observability invoke` was asked to do, checked. */
export interface InvokeOptions {
  readonly spec: string;
  readonly handlerName?: string;
  readonly taskRoot: string;
  readonly eventLabel: string;
  readonly event: unknown;
  readonly endpoint?: string;
  readonly times: number;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  readonly functionName?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly attributes: boolean;
  readonly quiet: boolean;
}

export const INVOKE_USAGE = `Usage: faas-observability invoke <file>[:<export>] [options]

Runs your function the way Lambda does: a local Runtime API, the process frozen (SIGSTOP) at every /next,
and prints the response, then the spans, log lines and metrics it exported before its freeze.

  <file>               your handler module, relative to --task-root (default: the current folder): a bundle
                       or JavaScript file (.mjs, .cjs, .js), ESM or CommonJS;
                       <file>:<export>, <file>.<export> or Lambda's own path/module.export name an export
                       (nested: app.routes.get); the export is "handler" by default
  --handler <name>     the export to call (instead of the one in <file>)
  --event <file.json>  the event (JSON); "-" reads it from stdin; {} by default
  --endpoint <url>     also send the telemetry to this OTLP/HTTP endpoint (a collector), as the function would
  --times <n>          invoke n times in a row, one warm process (default 1)
  --timeout <ms>       the function's timeout, at most 900000 (default 3000, as Lambda's)
  --memory <mb>        AWS_LAMBDA_FUNCTION_MEMORY_SIZE (default 128)
  --task-root <dir>    LAMBDA_TASK_ROOT and the working directory (default: the current one)
  --name <name>        AWS_LAMBDA_FUNCTION_NAME (default: the "name" of the task root's package.json,
                       @scope/pkg as scope-pkg; without one, the file's name without its extension)
  --env KEY=VALUE      an environment variable of the function (repeatable); OTEL_*, FAAS_OBSERVABILITY_*,
                       AWS_LAMBDA_EXEC_WRAPPER and NODE_OPTIONS of your shell pass through;
                       OTEL_EXPORTER_OTLP_[TRACES_|LOGS_|METRICS_]ENDPOINT never do (use --endpoint)
  --attributes         print each span's attributes
  --quiet              do not echo the function's own output
`;

// Lambda's maximum timeout (15 minutes); Node's timers overflow past 2^31-1 ms anyway.
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html
const MAX_TIMEOUT_MS = 900_000;

/** The options, or an error message (a string) for the usage line; `shell` is the caller's environment. */
export function parseInvokeOptions(
  args: readonly string[],
  readStdin: () => string,
  shell: Readonly<Record<string, string | undefined>> = process.env,
): InvokeOptions | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        handler: { type: 'string' },
        event: { type: 'string' },
        endpoint: { type: 'string' },
        times: { type: 'string', default: '1' },
        timeout: { type: 'string', default: '3000' },
        memory: { type: 'string', default: '128' },
        'task-root': { type: 'string' },
        name: { type: 'string' },
        env: { type: 'string', multiple: true, default: [] },
        attributes: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return (error as Error).message;
  }
  const { values, positionals } = parsed;
  const [spec, ...extra] = positionals;
  if (!spec) return 'which function? give the path of its file';
  if (extra.length > 0) return `one function at a time (also got ${extra.join(' ')})`;
  const times = Number(values.times);
  if (!Number.isInteger(times) || times < 1 || times > 10_000)
    return `--times must be a whole number from 1 to 10000, got "${values.times}"`;
  const timeoutMs = Number(values.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 100 || timeoutMs > MAX_TIMEOUT_MS)
    return `--timeout must be a number of milliseconds from 100 to ${MAX_TIMEOUT_MS} (Lambda's 15 minutes), got "${values.timeout}"`;
  const memoryMb = Number(values.memory);
  if (!Number.isInteger(memoryMb) || memoryMb < 128) return `--memory must be a whole number of MB ≥ 128, got "${values.memory}"`;
  const endpoint = values.endpoint;
  if (endpoint !== undefined && !/^https?:\/\//.test(endpoint)) return `--endpoint must be an http(s) URL, got "${endpoint}"`;
  const env: Record<string, string> = {};
  for (const pair of values.env) {
    const equals = pair.indexOf('=');
    if (equals < 1) return `--env takes KEY=VALUE, got "${pair}"`;
    env[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const taskRoot = resolve(values['task-root'] ?? '.');
  const where = checkPlaces(taskRoot, env.AWS_LAMBDA_EXEC_WRAPPER ?? shell.AWS_LAMBDA_EXEC_WRAPPER);
  if (where) return where;
  const event = readEvent(values.event, readStdin);
  if (typeof event === 'string') return event;
  return {
    spec,
    handlerName: values.handler,
    taskRoot,
    ...event,
    endpoint,
    times,
    timeoutMs,
    memoryMb,
    functionName: values.name,
    env,
    attributes: values.attributes,
    quiet: values.quiet,
  };
}

/** The task root must be a folder and the exec wrapper (as the process would find it) an executable file. */
function checkPlaces(taskRoot: string, wrapper: string | undefined): string | undefined {
  if (!statSync(taskRoot, { throwIfNoEntry: false })?.isDirectory()) return `--task-root ${taskRoot} is not a folder`;
  // A bare name is looked up on PATH, as exec does; a path is relative to the task root (the working directory).
  if (wrapper === undefined || !wrapper.includes('/')) return undefined;
  const path = resolve(taskRoot, wrapper);
  try {
    if (!statSync(path).isFile()) return `AWS_LAMBDA_EXEC_WRAPPER ${path} is not a file`;
    accessSync(path, constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return `AWS_LAMBDA_EXEC_WRAPPER ${path} ${code === 'ENOENT' ? 'does not exist' : 'is not executable (chmod +x)'}`;
  }
  return undefined;
}

function readEvent(path: string | undefined, readStdin: () => string): { eventLabel: string; event: unknown } | string {
  if (path === undefined) return { eventLabel: '{} (no --event)', event: {} };
  let text: string;
  try {
    text = path === '-' ? readStdin() : readFileSync(path, 'utf8');
  } catch (error) {
    return `cannot read the event ${path === '-' ? 'from stdin' : `file ${path}`}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  try {
    return { eventLabel: path === '-' ? 'stdin' : path, event: JSON.parse(text) };
  } catch (error) {
    return `the event ${path === '-' ? 'on stdin' : `file ${path}`} is not valid JSON: ${(error as Error).message}`;
  }
}
