import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The function to run: Lambda's task root and handler setting (`_HANDLER`), and the file they name. */
export interface UserHandler {
  readonly taskRoot: string;
  /** As Lambda's handler setting: `path/to/module.export`, the module without its extension. */
  readonly handler: string;
  readonly file: string;
}

// The extensions the Node.js runtime client tries after the module name, in its order.
// https://github.com/aws/aws-lambda-nodejs-runtime-interface-client (src/UserFunction.js)
const EXTENSIONS = ['', '.js', '.mjs', '.cjs'];

// What the runtime would not load: Lambda runs JavaScript (docs/bundling.md builds it).
const TYPESCRIPT = ['.ts', '.mts', '.cts', '.tsx'];

const isFile = (path: string) => existsSync(path) && statSync(path).isFile();

/**
 * Reads `<file>`, `<file>:<export>`, `<file>.<export>` or Lambda's own `<path>/<module>.<export>` (the module
 * without its extension, the export possibly nested: `app.routes.get`) into the handler setting Lambda would
 * need, relative to `taskRoot`. The export is `exportName` when given, else the one in the spec, else
 * `handler`. An error (a string) when nothing matches, or when Lambda would load another file than the one
 * named: its handler setting has no extension, so `index.js` wins over `index.mjs`.
 *
 * @example
 * resolveUserHandler('./dist/index.mjs', undefined, process.cwd()); // { handler: 'dist/index.handler', … }
 */
export function resolveUserHandler(spec: string, exportName: string | undefined, taskRoot: string): UserHandler | string {
  const found = findFile(spec, taskRoot);
  if (!found) return `no file for "${spec}" (looked for it as a file, then as file.export with ${EXTENSIONS.slice(1).join(', ')})`;
  const name = exportName ?? found.exportName ?? 'handler';
  if (!/^[^.\s]+(\.[^.\s]+)*$/.test(name)) return `"${name}" is not an export name`;
  if (TYPESCRIPT.includes(extname(found.file)))
    return `Lambda's Node.js runtime does not run TypeScript: bundle ${relative(taskRoot, found.file)} first (docs/bundling.md), then invoke the bundle`;
  const extension = EXTENSIONS.includes(extname(found.file)) ? extname(found.file) : '';
  const moduleName = basename(found.file, extension);
  if (moduleName.includes('.'))
    return `Lambda cannot name ${basename(found.file)} in a handler setting (the module name ends at its first dot): rename the file`;
  const moduleBase = join(dirname(found.file), moduleName);
  const loaded = EXTENSIONS.map((ext) => moduleBase + ext).find(isFile);
  if (loaded !== found.file)
    return `Lambda would load ${relative(process.cwd(), loaded!)} for this handler, not ${relative(process.cwd(), found.file)} (its handler setting has no extension)`;
  const fromRoot = relative(taskRoot, moduleBase);
  // Under the task root a relative module path, as in Lambda; elsewhere an absolute one (the runtime client takes both).
  const modulePath = fromRoot.startsWith('..') || isAbsolute(fromRoot) ? moduleBase : fromRoot.split(sep).join('/');
  return { taskRoot, handler: `${modulePath}.${name}`, file: found.file };
}

function findFile(spec: string, taskRoot: string): { file: string; exportName?: string } | undefined {
  const path = resolve(taskRoot, spec);
  if (isFile(path)) return { file: path };
  const colon = spec.lastIndexOf(':');
  if (colon > 0) {
    const file = resolve(taskRoot, spec.slice(0, colon));
    if (isFile(file)) return { file, exportName: spec.slice(colon + 1) };
  }
  // `dir/name.a.b`: the longest prefix that is a file (as is, or with an extension) is the module.
  const name = basename(path);
  for (let dot = name.lastIndexOf('.'); dot > 0; dot = name.lastIndexOf('.', dot - 1)) {
    const base = join(dirname(path), name.slice(0, dot));
    const file = EXTENSIONS.map((ext) => base + ext).find(isFile);
    if (file) return { file, exportName: name.slice(dot + 1) };
  }
  return undefined;
}
