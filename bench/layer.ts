/**
 * The layer section: the layer zip's size, and the cold start of an unmodified function through the layer
 * (its handler module bundled into one file, the default, or loaded from lib/ as is), beside the same function
 * bundled with the library imported (as tools/build-artifacts.ts builds it), a bare one, and the Lambda table's
 * `official` and `instrumented` variants (bench/variants/, bundled by bundle.ts as every bench table bundles
 * them). Cold start: from the event that starts the process (node's own start included) to its response, under
 * the Runtime API emulator with the real aws-lambda-ric where `npm run ric:install` built it (else our
 * bootstrap); each row's process is started `runs` times, the rows in turn (their order rotated).
 * `npm run bench -- --only=layer`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleLambda } from '../tools/build-artifacts.ts';
import { buildLayer, compileLib, type HandlerVariant } from '../tools/build-layer.ts';
import { RuntimeApiServer } from '../tools/lambda-runtime/runtime-api-server.ts';
import { startOtlpReceiver } from '../test/helpers/otlp-receiver.ts';
import { taskRootOf, type UnpackedLayer } from '../test/helpers/lambda-layer.ts';
import { bundleVariant } from './bundle.ts';
import { OUT } from './harness.ts';

const RIC = join(import.meta.dirname, '..', '.cache', 'ric', 'node_modules', 'aws-lambda-ric', 'index.mjs');
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function layerOf(variant: HandlerVariant, lib: string): Promise<UnpackedLayer & { bytes: number }> {
  const dir = join(OUT, `layer-${variant}`);
  const { zip, bytes } = await buildLayer(join(OUT, `layer-${variant}.zip`), { variant, lib });
  execFileSync('unzip', ['-qo', zip, '-d', dir]);
  return { dir, zip, bytes, wrapper: join(dir, 'faas-observability-wrapper') };
}

/** One cold start: a new process, its init and the first invocation, in ms. */
async function coldStart(row: Row, runtime: string[] | undefined): Promise<number> {
  const { taskRoot, handler = 'index.handler', env = {} } = row;
  const receiver = await startOtlpReceiver();
  const lambda = await RuntimeApiServer.start({
    taskRoot,
    handler,
    functionName: 'layer-bench',
    runtime,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env },
  });
  try {
    const started = performance.now();
    const result = await lambda.invoke({ i: 0 });
    if (result.status !== 'success') throw new Error(`layer bench: ${result.status} ${result.payload}`);
    return performance.now() - started;
  } finally {
    await lambda.stop({ graceful: false });
    await receiver.close();
  }
}

/** One function of the table: its task root, its handler setting (`_HANDLER`) and its environment. */
interface Row {
  readonly label: string;
  readonly taskRoot: string;
  readonly handler?: string;
  readonly env?: Record<string, string>;
}

/** A bench variant as its own function: bench/.out/<variant>/ is the task root, `<variant>.handler` the handler. */
async function variantRow(label: string, variant: string): Promise<Row> {
  const outfile = await bundleVariant(OUT, variant);
  return { label, taskRoot: dirname(outfile), handler: `${variant}.handler` };
}

export async function layerTable(quick: boolean): Promise<string> {
  mkdirSync(OUT, { recursive: true });
  const lib = compileLib(join(OUT, 'layer-tsc'));
  const [bundled, fromLib] = [await layerOf('bundle', lib), await layerOf('lib', lib)];
  const bare = await taskRootOf('esm');
  // The documented self-wrapped form: the extension registered by a top-level await (FIXTURE_TOP_LEVEL_AWAIT).
  const selfImport = join(OUT, 'layer-self-import');
  await bundleLambda(join(import.meta.dirname, '..', 'test', 'e2e', 'fixtures', 'post-response', 'handler.ts'), selfImport);
  const runtime = existsSync(RIC) ? [RIC] : undefined;
  const rows: Row[] = [
    { label: 'bare (no library)', taskRoot: bare },
    { label: 'library imported and bundled (build-artifacts)', taskRoot: selfImport, env: { FIXTURE_TOP_LEVEL_AWAIT: '1' } },
    {
      label: 'unmodified, through the layer (handler module bundled: the default)',
      taskRoot: bare,
      env: { AWS_LAMBDA_EXEC_WRAPPER: bundled.wrapper },
    },
    {
      label: 'unmodified, through the layer (handler module from lib/)',
      taskRoot: bare,
      env: { AWS_LAMBDA_EXEC_WRAPPER: fromLib.wrapper },
    },
    await variantRow('official setup, bundled (bench variant `official`)', 'official'),
    await variantRow('instrumentation-aws-lambda, bundled (bench variant `instrumented`)', 'instrumented'),
  ];
  const runs = quick ? 3 : 15;
  const times = rows.map((): number[] => []);
  // The rows in turn, their order rotated from run to run, so machine noise hits all alike.
  for (let run = 0; run < runs; run++) {
    for (let r = 0; r < rows.length; r++) {
      const i = (r + run) % rows.length;
      times[i]!.push(await coldStart(rows[i]!, runtime));
    }
  }
  const base = median(times[0]!);
  const lines = [
    `Layer: cold start (process start to first response, median of ${runs}) under ${runtime ? 'aws-lambda-ric' : 'our bootstrap'}`,
    '',
    '| function | cold start ms | vs bare | added ms |',
    '|---|---|---|---|',
    ...rows.map(({ label }, i) => {
      const m = median(times[i]!);
      return `| ${label} | ${m.toFixed(1)} | ${(m / base).toFixed(2)}x | ${(m - base).toFixed(1)} |`;
    }),
    '',
    '| layer zip | KiB | unpacked KiB |',
    '|---|---|---|',
    ...[
      ['handler module bundled (the default)', bundled],
      ['handler module from lib/', fromLib],
    ].map(([label, l]) => {
      const layer = l as typeof bundled;
      return `| ${label as string} | ${(layer.bytes / 1024).toFixed(1)} | ${(duSize(layer.dir) / 1024).toFixed(0)} |`;
    }),
  ];
  return lines.join('\n');
}

/** Bytes of the files under `dir`. */
function duSize(dir: string): number {
  const listing = execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
  return listing.reduce((sum, file) => sum + statSync(file).size, 0);
}
