import { build, context, type BuildOptions, type Metafile } from 'esbuild';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { deterministicZip } from './deterministic-zip.ts';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Size budgets, minified, of what a default cold start loads (the entry and the chunks it imports
 * statically; chunks loaded on demand, such as the Loki fallback, are not counted). The goal was 80 KiB
 * (Lambda) and 70 KiB (edge), the official setup's size; the OpenTelemetry SDK parts in them are 46 KiB (a bare
 * TracerProvider and LoggerProvider setup is 41 KiB), and bench/RESULTS.md shows what the rest buys, feature by
 * feature. So the budgets sit just above what the examples measure, to catch regressions. After the bundle-size
 * work the Lambda examples loaded at most 120.8 KiB and the edge ones 103.5 KiB; then, Lambda / edge:
 * the export path's hardening against hostile input (timeouts in free event-loop time, bounded answers, header
 * checks, escaped diagnostics) +2.7 / +2.4 KiB; the console and wrapper's (collections read as far as printed,
 * attribute caps, query redaction, spans that always end, the platform's request id) +1.1 / +1.3 KiB; one owner
 * of what is process-wide (setups that attach and detach, the active setup in the context) +1.9 / +2.1 KiB; the
 * flush budget split and the AWS room with its shared pieces +2.2 / +0.8 KiB: 128.7 and 110.1 KiB. Then won
 * back: the OTLP partial_success reader as a chunk Lambda loads only for an answer with a body -0.9 / +0.1 KiB
 * (the edge passes the reader in): 127.8 and 110.2 KiB. Then metrics, on by default: +21.2 / +17.7 KiB (the
 * meter provider that serves user code's meters from import, 7.3 KiB with its streams; the FaaS metrics 2.0 KiB;
 * the OTLP metrics encoder 1.2 KiB; CloudWatch EMF on Lambda only, 3.7 KiB, as the metrics' synchronous last
 * resort; the rest is their pipeline, configuration and the outcome each invocation is counted from): 149.0 and
 * 128.2 KiB. Then tail sampling, off by default but decided at setup: +3.8 / +3.7 KiB (the invocation's hold,
 * the sampler that records what the head sampler drops, its rules and their messages): 152.8 and 131.9 KiB,
 * under budgets that keep 0.3 KiB of margin. Then secret redaction, on by default: +9.0 / +9.0 KiB (its rules
 * 8.2 KiB, the processors' wiring and options the rest); batched delivery, decided at setup: +2.0 / +2.0 KiB; the
 * warning at a Lambda setup on a Node older than `engines`: +0.4 / +0 KiB; the base endpoint's signal-path check
 * and the path in HTTP error diagnostics: +0.7 / +0.7 KiB; the Lambda `route` option (the user's route template
 * for HTTP events, a throw reported once) +0.6 / +0.3 KiB (the edge's share: that report); the edge's
 * `unknown_service:<platform>` name and the warning that asks for a service name: +0 / +0.3 KiB. Budgets raised
 * to what they measured plus 0.3 KiB.
 */
export const BUDGETS = { lambda: Math.round(166.5 * 1024), edge: Math.round(144.8 * 1024) } as const;

export type Kind = 'lambda' | 'edge';
export interface FunctionSource {
  readonly name: string;
  readonly kind: Kind;
  readonly entry: string;
}
export interface Artifact extends FunctionSource {
  readonly dir: string;
  /** What a default cold start loads: the entry file and the chunks it imports statically (the budget's measure). */
  readonly bytes: number;
  readonly gzipBytes: number;
  /** Every code file of the artifact, lazily loaded chunks included. */
  readonly totalBytes: number;
  readonly totalGzipBytes: number;
  /** The code files a cold start loads, then the ones loaded on demand (relative to `dir`). */
  readonly coldStartFiles: readonly string[];
  readonly lazyFiles: readonly string[];
  readonly zip: string;
  readonly topContributors: readonly { readonly name: string; readonly bytes: number }[];
  readonly overBudget: boolean;
}

/** `functions/<name>/handler.ts` is a Lambda function; `functions/<name>/edge.ts` an edge function. */
export function findFunctions(names: readonly string[] = []): FunctionSource[] {
  const dir = join(ROOT, 'functions');
  const all: FunctionSource[] = readdirSync(dir)
    .sort()
    .flatMap((name): FunctionSource[] => {
      if (existsSync(join(dir, name, 'handler.ts')))
        return [{ name, kind: 'lambda' as const, entry: join('functions', name, 'handler.ts') }];
      if (existsSync(join(dir, name, 'edge.ts'))) return [{ name, kind: 'edge' as const, entry: join('functions', name, 'edge.ts') }];
      return [];
    });
  for (const name of names) {
    if (!all.some((f) => f.name === name))
      throw new Error(`no function "${name}" in functions/ (there are: ${all.map((f) => f.name).join(', ')})`);
  }
  return names.length > 0 ? all.filter((f) => names.includes(f.name)) : all;
}

/**
 * Lambda: ESM for Node 22 with code splitting, so what is loaded through a dynamic `import()` (the Loki
 * fallback) is a chunk beside `index.mjs` that a cold start does not load. Edge: one file, dynamic imports
 * inlined, because workerd (and a Worker upload) takes the modules it is given and Vercel and Netlify bundle
 * the entry again themselves: a second file is a deploy step each of them can miss.
 */
function optionsFor(source: FunctionSource, outfile: string): BuildOptions {
  const common: BuildOptions = {
    entryPoints: [resolve(ROOT, source.entry)],
    bundle: true,
    minify: true,
    sourcemap: true,
    metafile: true,
    format: 'esm',
    logLevel: 'silent',
    legalComments: 'none',
    write: true,
  };
  return source.kind === 'lambda'
    ? {
        ...common,
        platform: 'node',
        target: 'node22',
        splitting: true,
        outdir: dirname(outfile),
        entryNames: basename(outfile, '.mjs'),
        chunkNames: '[name]-[hash]',
        outExtension: { '.js': '.mjs' },
      }
    : {
        ...common,
        outfile,
        platform: 'browser',
        target: 'es2022',
        conditions: ['workerd', 'worker', 'browser'],
        external: ['node:async_hooks'],
      };
}

// esbuild turns `require()` in CommonJS dependencies into a shim that throws in ESM: a banner gives each
// file a real `require` then.
const REQUIRE_BANNER = "import { createRequire as __faasRequire } from 'node:module'; const require = __faasRequire(import.meta.url);";

/**
 * Bundles an entry like a Lambda deploy (code splitting, the require banner where needed) into `dir`, the
 * entry as `<name>.mjs`: used by the artifacts and by the bench, so both measure the same thing.
 */
export async function bundleLambda(entry: string, dir: string, name = 'index'): Promise<Metafile> {
  const source: FunctionSource = { name, kind: 'lambda', entry };
  const outfile = join(dir, `${name}.mjs`);
  let result = await build(optionsFor(source, outfile));
  const codeFiles = Object.keys(result.metafile!.outputs).filter((f) => f.endsWith('.mjs'));
  if (codeFiles.some((f) => readFileSync(resolve(f), 'utf8').includes('Dynamic require of'))) {
    result = await build({ ...optionsFor(source, outfile), banner: { js: REQUIRE_BANNER } });
  }
  return result.metafile!;
}

/** The code files of a build, split into what loading `entryFile` loads (statically) and what it may load later. */
export function outputFiles(metafile: Metafile, entryFile: string): { coldStart: string[]; lazy: string[] } {
  const key = (file: string) => relative(ROOT, resolve(file)).split(sep).join('/');
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [key(file), output]));
  const coldStart = new Set<string>();
  const visit = (file: string): void => {
    if (coldStart.has(file) || !outputs.has(file)) return;
    coldStart.add(file);
    for (const i of outputs.get(file)!.imports) if (i.kind === 'import-statement' && !i.external) visit(key(i.path));
  };
  visit(key(entryFile));
  const lazy = [...outputs.keys()].filter((f) => f.endsWith('.mjs') || f.endsWith('.js')).filter((f) => !coldStart.has(f));
  return { coldStart: [...coldStart].map((f) => resolve(ROOT, f)), lazy: lazy.map((f) => resolve(ROOT, f)) };
}

/** Minified and gzip bytes of files, each gzipped on its own (as each is read and stored). */
export function sizeOf(files: readonly string[]): { bytes: number; gzipBytes: number } {
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const code = readFileSync(file);
    bytes += code.length;
    gzipBytes += gzipSync(code).length;
  }
  return { bytes, gzipBytes };
}

/** Bundles one function into dist/<name>/: index.mjs (and its chunks), source maps, meta.json and a deterministic zip. */
export async function buildArtifact(source: FunctionSource, outRoot = join(ROOT, 'dist')): Promise<Artifact> {
  const dir = join(outRoot, source.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const outfile = join(dir, 'index.mjs');
  const metafile = source.kind === 'lambda' ? await bundleLambda(source.entry, dir) : (await build(optionsFor(source, outfile))).metafile!;
  writeFileSync(join(dir, 'meta.json'), JSON.stringify(metafile));
  const { coldStart, lazy } = outputFiles(metafile, outfile);
  const coldSize = sizeOf(coldStart);
  const totalSize = sizeOf([...coldStart, ...lazy]);
  const zip = join(dir, `${source.name}.zip`);
  const files = [...coldStart, ...lazy].flatMap((f) => [f, `${f}.map`]).map((f) => relative(dir, f));
  writeFileSync(zip, deterministicZip(files.map((f) => [f, readFileSync(join(dir, f))] as const)));
  return {
    ...source,
    dir,
    zip,
    bytes: coldSize.bytes,
    gzipBytes: coldSize.gzipBytes,
    totalBytes: totalSize.bytes,
    totalGzipBytes: totalSize.gzipBytes,
    coldStartFiles: coldStart.map((f) => relative(dir, f)),
    lazyFiles: lazy.map((f) => relative(dir, f)),
    topContributors: contributors(metafile, coldStart),
    overBudget: coldSize.bytes > BUDGETS[source.kind],
  };
}

/**
 * Bundles any edge entry (tests, benchmarks) to one file with the same settings as an edge artifact, and
 * refuses a bundle that imports a Node built-in other than `node:async_hooks`.
 */
export async function buildEdgeBundle(
  entry: string,
  outFile: string,
  format: 'esm' | 'iife' = 'esm',
  globalName?: string,
): Promise<{ file: string; code: string; bytes: number; inputs: string[]; metafile: Metafile }> {
  if (!existsSync(resolve(ROOT, entry))) throw new Error(`no edge entry at ${entry}`);
  mkdirSync(resolve(outFile, '..'), { recursive: true });
  const result = await build({ ...optionsFor({ name: 'bundle', kind: 'edge', entry }, outFile), format, globalName, sourcemap: false });
  const code = readFileSync(outFile, 'utf8');
  const nodeImports = Object.values(result.metafile!.outputs)
    .flatMap((o) => o.imports)
    .filter((i) => i.path.startsWith('node:') && i.path !== 'node:async_hooks');
  if (nodeImports.length > 0) throw new Error(`edge bundle imports Node built-ins: ${nodeImports.map((i) => i.path).join(', ')}`);
  return { file: outFile, code, bytes: Buffer.byteLength(code), inputs: Object.keys(result.metafile!.inputs), metafile: result.metafile! };
}

/** Rebuilds on every change until stopped. */
export async function watchArtifact(source: FunctionSource, onBuild: (errors: string[]) => void): Promise<() => Promise<void>> {
  const dir = join(ROOT, 'dist', source.name);
  mkdirSync(dir, { recursive: true });
  const ctx = await context({
    ...optionsFor(source, join(dir, 'index.mjs')),
    ...(source.kind === 'lambda' ? { banner: { js: REQUIRE_BANNER } } : {}),
    plugins: [
      { name: 'report', setup: (b) => b.onEnd((r) => onBuild(r.errors.map((e) => `${e.location?.file}:${e.location?.line}: ${e.text}`))) },
    ],
  });
  await ctx.watch();
  return () => ctx.dispose();
}

/** The packages (or our own folders) that weigh most in the files a cold start loads. */
function contributors(metafile: Metafile, files: readonly string[]): { name: string; bytes: number }[] {
  const wanted = new Set(files);
  const totals = new Map<string, number>();
  for (const [file, output] of Object.entries(metafile.outputs)) {
    if (!wanted.has(resolve(file))) continue;
    for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
      totals.set(pkg, (totals.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...totals]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, 5);
}
