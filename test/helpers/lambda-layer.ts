import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleLambda } from '../../tools/build-artifacts.ts';
import { buildLayer, compileLib } from '../../tools/build-layer.ts';
import { RuntimeApiServer, type InvocationResult } from '../../tools/lambda-runtime/runtime-api-server.ts';
import { startOtlpReceiver, type ReceivedLog, type ReceivedSpan } from './otlp-receiver.ts';

const FIXTURES = new URL('../e2e/fixtures/layer/', import.meta.url).pathname;

/** The layer as Lambda unpacks it into /opt, here into a temporary folder: its wrapper script and its zip. */
export interface UnpackedLayer {
  readonly dir: string;
  readonly wrapper: string;
  readonly zip: string;
}

/** Builds the layer (src/ compiled beside lib/, not over it) and unpacks it as Lambda does, modes kept. */
export async function unpackedLayer(): Promise<UnpackedLayer> {
  const work = mkdtempSync(join(tmpdir(), 'layer-'));
  const { zip } = await buildLayer(join(work, 'layer.zip'), { lib: compileLib(join(work, 'lib')) });
  const dir = join(work, 'opt');
  execFileSync('unzip', ['-q', zip, '-d', dir]);
  return { dir, wrapper: join(dir, 'faas-observability-wrapper'), zip };
}

/**
 * A function's task root from `test/e2e/fixtures/layer/<fixture>`: copied to a temporary folder (no
 * package.json of ours above it), or, with `bundle`, its handler.ts bundled by esbuild into index.mjs.
 */
export async function taskRootOf(fixture: string, bundle = false): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `layer-${fixture}-`));
  if (bundle) await bundleLambda(join(FIXTURES, fixture, 'handler.ts'), dir);
  else cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

export interface LayerRun {
  readonly lambda: RuntimeApiServer;
  readonly results: InvocationResult[];
  readonly spans: ReceivedSpan[];
  readonly logs: ReceivedLog[];
  /** When each export request arrived (`performance.now()`). */
  readonly arrivals: number[];
}

/**
 * Invokes a function with `events` (else `count` times with `{ i }`) under the Runtime API emulator (frozen at
 * every /next), through the layer when `layer` is given, against a receiver that answers in 100 ms (an export
 * before the response would delay it); then SIGKILL: what reached the receiver was sent before the last freeze.
 */
export async function runFunction(options: {
  readonly taskRoot: string;
  readonly handler: string;
  readonly runtime: string[] | undefined;
  readonly layer?: UnpackedLayer;
  readonly count?: number;
  readonly events?: readonly unknown[];
  readonly env?: Record<string, string>;
}): Promise<LayerRun> {
  const receiver = await startOtlpReceiver({ latencyMs: 100 });
  const lambda = await RuntimeApiServer.start({
    taskRoot: options.taskRoot,
    handler: options.handler,
    functionName: 'layered',
    timeoutMs: 5000,
    runtime: options.runtime,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      ...(options.layer ? { AWS_LAMBDA_EXEC_WRAPPER: options.layer.wrapper } : {}),
      ...options.env,
    },
  });
  const results: InvocationResult[] = [];
  try {
    const events = options.events ?? Array.from({ length: options.count ?? 3 }, (_, i) => ({ i }));
    for (const event of events) results.push(await lambda.invoke(event));
  } finally {
    await lambda.stop({ graceful: false });
    await receiver.close();
  }
  return { lambda, results, spans: receiver.spans, logs: receiver.logs, arrivals: receiver.requests.map((r) => r.receivedAt) };
}

/** Export requests that arrived while an invocation ran, before its response was posted. */
export const exportsBeforeResponse = ({ results, arrivals }: LayerRun): number[] =>
  results.map((r) => arrivals.filter((at) => at > r.respondedAt - r.durationMs && at < r.respondedAt).length);

/** The init error's type and message (its stack names the files that threw it, which differ). */
export const initError = (result: InvocationResult): { errorType: unknown; errorMessage: unknown } => {
  const { errorType, errorMessage } = JSON.parse(result.payload) as Record<string, unknown>;
  return { errorType, errorMessage };
};
