// npm run build:layer — the Lambda layer: dist/faas-observability-layer.zip (see docs/lambda-layer.md).
//   faas-observability-wrapper                       the exec wrapper (0755), AWS_LAMBDA_EXEC_WRAPPER=/opt/faas-observability-wrapper
//   nodejs/node_modules/faas-observability/          package.json, lib/ (npm run build:lib), LICENSE, and
//     lambda-layer.mjs                               the handler module the wrapper points _HANDLER at, bundled
//   nodejs/node_modules/@opentelemetry/*             the runtime dependencies lib/ imports
// The same sources give the same bytes (tools/deterministic-zip.ts).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { deterministicZip } from './deterministic-zip.ts';

const ROOT = resolve(import.meta.dirname, '..');
export const WRAPPER = join(ROOT, 'tools', 'layer', 'faas-observability-wrapper');
const PACKAGE = 'nodejs/node_modules/faas-observability';
/** What a runtime needs of a package: code, manifests, licences (no types, maps or docs). */
const RUNTIME_FILE = /(\.(c|m)?js|\.json|(^|\/)(LICEN[CS]E|NOTICE)[^/]*)$/i;

type Entry = readonly [string, Buffer, number?];

/** Where the handler module comes from: one bundled file (the default, see docs/lambda-layer.md) or lib/ as is. */
export type HandlerVariant = 'bundle' | 'lib';

/** The path of the handler module in the layer for a variant, without its extension (as `_HANDLER` names it). */
export function handlerModule(variant: HandlerVariant): string {
  return variant === 'bundle' ? `${PACKAGE}/lambda-layer` : `${PACKAGE}/lib/lambda-layer`;
}

/** Every runtime file under `dir`, sorted, as paths relative to it. */
function runtimeFiles(dir: string, skip: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const walk = (at: string): void => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      const rel = relative(dir, path).split(sep).join('/');
      if (skip(rel)) continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (RUNTIME_FILE.test(rel)) found.push(rel);
    }
  };
  walk(dir);
  return found;
}

/** The folder Node would load `name` from, required by the package in `from` (its own node_modules first). */
function packageDir(name: string, from: string): string {
  for (let at = from; ; at = dirname(at)) {
    const candidate = join(at, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (at === ROOT || dirname(at) === at) throw new Error(`build-layer: cannot find ${name} from ${from}`);
  }
}

/** The dependencies of the root package, with theirs, as [folder in the layer, folder on disk]. */
function dependencyDirs(): [string, string][] {
  const seen = new Map<string, string>();
  const visit = (from: string): void => {
    const manifest = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(manifest.dependencies ?? {})) {
      const dir = packageDir(name, from);
      const inLayer = `nodejs/${relative(ROOT, dir).split(sep).join('/')}`;
      if (seen.has(inLayer)) continue;
      seen.set(inLayer, dir);
      visit(dir);
    }
  };
  visit(ROOT);
  return [...seen].sort(([a], [b]) => a.localeCompare(b));
}

/** The package as users get it: the fields a runtime reads, in a fixed order. */
function layerManifest(): Buffer {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const keep = ['name', 'version', 'description', 'license', 'type', 'sideEffects', 'engines', 'main', 'types', 'exports', 'dependencies'];
  return Buffer.from(`${JSON.stringify(Object.fromEntries(keep.map((key) => [key, pkg[key]])), null, 2)}\n`);
}

/** The handler module as one file: what a cold start reads is one module, not the ~200 files of lib/. */
async function bundledHandler(): Promise<Buffer> {
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'lambda-layer.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    legalComments: 'none',
    logLevel: 'silent',
    write: false,
    // The Loki fallback and the partial-success reader are dynamic imports: inlined, as one file.
    splitting: false,
  });
  return Buffer.from(result.outputFiles[0]!.contents);
}

/** The wrapper, pointing at the variant's handler module. */
function wrapper(variant: HandlerVariant): Buffer {
  const script = readFileSync(WRAPPER, 'utf8');
  return Buffer.from(script.replace(handlerModule('bundle'), handlerModule(variant)));
}

/** The layer's entries, in a fixed order, from `lib` (built by npm run build:lib, or tsc to another folder). */
export async function layerEntries(variant: HandlerVariant = 'bundle', lib = join(ROOT, 'lib')): Promise<Entry[]> {
  if (!existsSync(join(lib, 'lambda-layer.js'))) throw new Error('build-layer: no lib/lambda-layer.js, run npm run build:lib first');
  const entries: Entry[] = [['faas-observability-wrapper', wrapper(variant), 0o755]];
  entries.push([`${PACKAGE}/LICENSE`, readFileSync(join(ROOT, 'LICENSE'))]);
  if (variant === 'bundle') entries.push([`${PACKAGE}/lambda-layer.mjs`, await bundledHandler()]);
  for (const file of runtimeFiles(lib)) entries.push([`${PACKAGE}/lib/${file}`, readFileSync(join(lib, file))]);
  entries.push([`${PACKAGE}/package.json`, layerManifest()]);
  for (const [inLayer, dir] of dependencyDirs()) {
    // A dependency's own node_modules are dependencies of their own, listed by dependencyDirs.
    for (const file of runtimeFiles(dir, (rel) => rel === 'node_modules'))
      entries.push([`${inLayer}/${file}`, readFileSync(join(dir, file))]);
  }
  return entries;
}

/** Builds the layer zip at `out`; returns its path and size. */
export async function buildLayer(
  out = join(ROOT, 'dist', 'faas-observability-layer.zip'),
  options: { variant?: HandlerVariant; lib?: string } = {},
): Promise<{ zip: string; bytes: number }> {
  const zip = deterministicZip(await layerEntries(options.variant, options.lib));
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, zip);
  return { zip: out, bytes: zip.length };
}

/** Compiles src/ as build:lib does, into `outDir` (tests and the bench build beside lib/, not over it). */
export function compileLib(outDir: string): string {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  return outDir;
}

if (import.meta.main) {
  const { zip, bytes } = await buildLayer();
  console.log(`${relative(ROOT, zip)}: ${(bytes / 1024).toFixed(1)} KiB`);
}
