/**
 * npm run api:update — writes the API report of every public subpath to api/<subpath>.d.ts;
 * npm run check:api (run by npm run lint) — fails when the public surface differs from the committed report.
 *
 * The report is the TypeScript compiler's own declaration output (the build's options, `stripInternal`:
 * what `npm run build:lib` ships), rolled up per `package.json` export: each exported declaration, then every
 * declaration of the package they reach (a user sees those through the exports without importing them),
 * without doc comments, so that only a change of the surface shows. A change of it is then deliberate: the
 * report changes in the same commit, and a reviewer sees it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '..');
const REPORT_DIR = join(ROOT, 'api');

type Declarations = ReadonlyMap<string, ts.SourceFile>;
// Doc comments left out: the report shows the surface, and a reworded comment is no change of it.
const PRINTER = ts.createPrinter({ removeComments: true });

/** The declaration files the build would write, in memory, keyed by their path under lib/. */
export function emitDeclarations(): Declarations {
  const configPath = join(ROOT, 'tsconfig.build.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error('tsconfig.build.json cannot be read');
  const options = { ...parsed.options, emitDeclarationOnly: true, declarationMap: false, sourceMap: false, stripInternal: true };
  const program = ts.createProgram(parsed.fileNames, options);
  const files = new Map<string, ts.SourceFile>();
  const outDir = options.outDir!;
  program.emit(undefined, (fileName, text) => {
    if (!fileName.endsWith('.d.ts')) return;
    const key = posix.join('lib', relative(outDir, fileName).split('\\').join('/'));
    files.set(key, ts.createSourceFile(key, text, ts.ScriptTarget.Latest, true));
  });
  return files;
}

/** `package.json` exports with types: subpath → declaration file under lib/. */
export function publicSubpaths(): [string, string][] {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string } | string> };
  return Object.entries(pkg.exports).flatMap(([subpath, target]) =>
    typeof target === 'object' && target.types ? [[subpath, posix.normalize(target.types)] as [string, string]] : [],
  );
}

/** The report file of a subpath: `.` → index.d.ts, `./lambda/preload` → lambda-preload.d.ts. */
export function reportNameOf(subpath: string): string {
  return subpath === '.' ? 'index.d.ts' : `${subpath.slice(2).replaceAll('/', '-')}.d.ts`;
}

const nameOf = (statement: ts.Statement): string[] => {
  if (ts.isVariableStatement(statement)) return statement.declarationList.declarations.map((d) => d.name.getText());
  const named = statement as ts.Statement & { name?: ts.Node };
  return named.name && !ts.isExportDeclaration(statement) ? [named.name.getText()] : [];
};

/** Resolves a module specifier of a declaration file to another one of the package, or undefined (a dependency). */
function resolveModule(from: string, specifier: string, files: Declarations): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = posix.join(posix.dirname(from), specifier).replace(/\.(js|ts)$/, '');
  return [`${base}.d.ts`, `${base}/index.d.ts`].find((candidate) => files.has(candidate));
}

interface Found {
  readonly file: string;
  readonly statements: ts.Statement[];
}

/** Where `name`, as seen from `file`, is declared: locally, or through its imports and re-exports. */
function find(file: string, name: string, files: Declarations, seen = new Set<string>()): Found | undefined {
  const key = `${file}#${name}`;
  const source = files.get(file);
  if (!source || seen.has(key)) return undefined;
  seen.add(key);
  const local = source.statements.filter((s) => nameOf(s).includes(name) && !ts.isImportDeclaration(s));
  if (local.length > 0) return { file, statements: local };
  for (const statement of source.statements) {
    const clause = ts.isImportDeclaration(statement)
      ? statement.importClause?.namedBindings
      : ts.isExportDeclaration(statement)
        ? statement.exportClause
        : undefined;
    if (!clause || !(ts.isNamedImports(clause) || ts.isNamedExports(clause))) continue;
    const specifier = (statement as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier)) continue;
    for (const element of clause.elements) {
      if (element.name.text !== name) continue;
      const target = resolveModule(file, specifier.text, files);
      if (target) return find(target, element.propertyName?.text ?? name, files, seen);
    }
  }
  return undefined;
}

/** The names a declaration refers to as types, base types or `typeof`. */
function referencedNames(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const leftmost = (name: ts.EntityName | ts.Expression): string | undefined =>
    ts.isIdentifier(name)
      ? name.text
      : ts.isQualifiedName(name)
        ? leftmost(name.left)
        : ts.isPropertyAccessExpression(name)
          ? leftmost(name.expression)
          : undefined;
  const visit = (child: ts.Node) => {
    const name = ts.isTypeReferenceNode(child)
      ? leftmost(child.typeName)
      : ts.isExpressionWithTypeArguments(child)
        ? leftmost(child.expression)
        : ts.isTypeQueryNode(child)
          ? leftmost(child.exprName)
          : undefined;
    if (name) names.add(name);
    ts.forEachChild(child, visit);
  };
  visit(node);
  return names;
}

/** The report of one subpath: its exports, then what they reach in the package, each once, in a stable order. */
export function renderReport(subpath: string, entry: string, files: Declarations): string {
  const source = files.get(entry);
  if (!source) throw new Error(`${entry} was not emitted: is ${subpath} built from src/?`);
  const exported: string[] = [];
  const sideEffects: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !statement.importClause) sideEffects.push(statement.getText());
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause))
      exported.push(...statement.exportClause.elements.map((e) => e.name.text));
    else if (!ts.isImportDeclaration(statement)) exported.push(...nameOf(statement));
  }
  const printed = new Map<string, string>();
  const queue: [string, string][] = exported.map((name) => [entry, name]);
  const own = new Set<string>();
  while (queue.length > 0) {
    const [file, name] = queue.shift()!;
    const found = find(file, name, files);
    if (!found) continue;
    const key = `${found.file}#${name}`;
    if (printed.has(key)) continue;
    if (file === entry) own.add(key);
    const sourceFile = files.get(found.file)!;
    const text = found.statements
      .map((s) =>
        PRINTER.printNode(ts.EmitHint.Unspecified, s, sourceFile)
          .replace(/^export /, '')
          .replace(/^declare /, ''),
      )
      .join('\n');
    printed.set(key, `// ${name} (${found.file.replace(/^lib\//, 'src/').replace(/\.d\.ts$/, '.ts')})\n${text}`);
    for (const statement of found.statements) for (const ref of referencedNames(statement)) queue.push([found.file, ref]);
  }
  const sorted = (keys: string[]) => keys.sort().map((key) => printed.get(key)!);
  const reached = [...printed.keys()].filter((key) => !own.has(key));
  return [
    `// API report of faas-observability${subpath === '.' ? '' : subpath.slice(1)} (${entry}): npm run api:update writes it.`,
    `// Exported: ${exported.length > 0 ? [...exported].sort().join(', ') : 'nothing'}`,
    ...(sideEffects.length > 0 ? [`// Import side effects: ${sideEffects.join(' ')}`] : []),
    '',
    ...sorted([...own]),
    ...(reached.length > 0 ? ['', '// ---- Reached through the exports (not importable by name) ----', '', ...sorted(reached)] : []),
    '',
  ].join('\n');
}

/** Every subpath's report: file name → text. */
export function apiReports(): Map<string, string> {
  const files = emitDeclarations();
  return new Map(publicSubpaths().map(([subpath, entry]) => [reportNameOf(subpath), renderReport(subpath, entry, files)]));
}

/** The first line where two texts differ, for a message that shows the change. */
function firstDifference(committed: string, current: string): string {
  const a = committed.split('\n');
  const b = current.split('\n');
  const line = a.findIndex((text, index) => text !== b[index]);
  const at = line === -1 ? a.length : line;
  return `line ${at + 1}:\n  - ${a[at] ?? '(end)'}\n  + ${b[at] ?? '(end)'}`;
}

if (import.meta.main) {
  const reports = apiReports();
  if (process.argv.includes('--check')) {
    const drift = [...reports].filter(([name, text]) => {
      const path = join(REPORT_DIR, name);
      return !existsSync(path) || readFileSync(path, 'utf8') !== text;
    });
    for (const [name, text] of drift) {
      const path = join(REPORT_DIR, name);
      const committed = existsSync(path) ? readFileSync(path, 'utf8') : '';
      console.error(`check:api: the public API in api/${name} changed — ${firstDifference(committed, text)}`);
    }
    if (drift.length > 0) {
      console.error('check:api: if the change is deliberate, run `npm run api:update` and commit api/ with it');
      process.exit(1);
    }
    console.log(`check:api: ${reports.size} public subpaths match api/`);
  } else {
    mkdirSync(dirname(join(REPORT_DIR, 'x')), { recursive: true });
    for (const [name, text] of reports) writeFileSync(join(REPORT_DIR, name), text);
    console.log(`api:update: ${reports.size} reports written to api/`);
  }
}
