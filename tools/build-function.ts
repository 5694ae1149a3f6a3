import { build, type BuildResult } from 'esbuild';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface BuiltFunction {
  /** LAMBDA_TASK_ROOT: the folder holding index.mjs. */
  readonly taskRoot: string;
  /** Lambda's handler setting for it. */
  readonly handler: string;
  readonly bytes: number;
}

const ROOT = resolve(import.meta.dirname, '..');
// esbuild turns `require('x')` in CommonJS dependencies into a shim that throws in ESM output.
const REQUIRE_SHIM = 'Dynamic require of';
const REQUIRE_BANNER = "import { createRequire as __faasCreateRequire } from 'node:module'; const require = __faasCreateRequire(import.meta.url);";

/**
 * Bundles `functions/<name>/handler.ts` (or any entry) into one ESM file for Lambda's Node runtime.
 * The `createRequire` banner is added only when a dependency needs `require`.
 *
 * @example
 * const { taskRoot, handler } = await buildFunction('functions/orders-api/handler.ts', '.cache/functions/orders-api');
 */
export async function buildFunction(entry: string, outDir: string): Promise<BuiltFunction> {
  const entryPath = resolve(ROOT, entry);
  if (!existsSync(entryPath)) throw new Error(`no function entry at ${entry}`);
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'index.mjs');
  const options = {
    entryPoints: [entryPath], outfile, bundle: true, minify: true, sourcemap: true, platform: 'node' as const,
    format: 'esm' as const, target: 'node22', write: false, logLevel: 'silent' as const,
  };
  let result: BuildResult<typeof options> = await build(options);
  if ((result.outputFiles ?? []).some((file) => file.path.endsWith('.mjs') && file.text.includes(REQUIRE_SHIM))) {
    result = await build({ ...options, banner: { js: REQUIRE_BANNER } });
  }
  const { writeFileSync } = await import('node:fs');
  let bytes = 0;
  for (const file of result.outputFiles ?? []) {
    writeFileSync(file.path, file.contents);
    if (file.path.endsWith('.mjs')) bytes = file.contents.byteLength;
  }
  return { taskRoot: resolve(outDir), handler: 'index.handler', bytes };
}

/** `orders-api` → `functions/orders-api/handler.ts`. */
export function functionEntry(name: string): string {
  return join('functions', name, 'handler.ts');
}

/**
 * Bundles an edge entry (a Worker, a Vercel/Netlify/Deno fetch handler) for the worker/browser conditions:
 * one ESM file whose only Node built-in is `node:async_hooks` (kept external; loaded only where it exists).
 */
export async function buildEdgeBundle(entry: string, outFile: string, format: 'esm' | 'iife' = 'esm', globalName?: string): Promise<{ file: string; code: string; bytes: number; inputs: string[] }> {
  const entryPath = resolve(ROOT, entry);
  if (!existsSync(entryPath)) throw new Error(`no edge entry at ${entry}`);
  const result = await build({
    entryPoints: [entryPath], outfile: outFile, bundle: true, minify: true, platform: 'browser', format,
    conditions: ['workerd', 'worker', 'browser'], target: 'es2022', external: ['node:async_hooks'], globalName,
    write: true, metafile: true, logLevel: 'silent',
  });
  const code = (await import('node:fs')).readFileSync(outFile, 'utf8');
  const nodeImports = Object.values(result.metafile.outputs).flatMap((o) => o.imports).filter((i) => i.path.startsWith('node:') && i.path !== 'node:async_hooks');
  if (nodeImports.length > 0) throw new Error(`edge bundle imports Node built-ins: ${nodeImports.map((i) => i.path).join(', ')}`);
  return { file: outFile, code, bytes: Buffer.byteLength(code), inputs: Object.keys(result.metafile.inputs) };
}
