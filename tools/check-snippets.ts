/**
 * npm run check:snippets (part of `npm run lint`) — every TypeScript block of README.md, CONTRIBUTING.md and
 * docs/*.md (not the generated docs/api/) type-checks as a reader would paste it.
 *
 * - A block fenced as ```ts or ```typescript is one snippet; other blocks (sh, json, yaml, mermaid…) are
 *   not read.
 * - Each snippet is its own module (`moduleDetection: force`), so two snippets may both declare `app`. The
 *   modules live in memory, as `.snippets/<file>_L<line>.ts` under the repository root so that imports of
 *   dependencies resolve from `node_modules` as in a user's project; nothing is written to disk.
 * - They are compiled with the compiler options of `tsconfig.json`, and the package's own entry points are
 *   mapped to the sources (`paths`): `faas-observability` → src/index.ts, `faas-observability/lambda` →
 *   src/lambda.ts, `faas-observability/edge` → src/edge.ts, `faas-observability/aws` → src/aws.ts,
 *   `faas-observability/loki` → src/loki.ts, `faas-observability/exporters` → src/exporters/index.ts (an
 *   entry missing here would resolve to a stale lib/ build, when there is one).
 * - A snippet that refers to the reader's own code declares it (`declare const app: …`), so that what is
 *   printed is what compiles.
 * - Opt-out, visible in the Markdown: a block fenced as ```ts no-check is not compiled. Use it only for a
 *   snippet that cannot compile here (it imports a package this project does not install), and say so
 *   next to it.
 *
 * An error prints as `<file>:<line of the block's opening fence>: TS<code>: <message> (<file>:<line>:<col>)`
 * — the second location is the offending line in the Markdown file — and the process exits with 1.
 */
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { documentationFiles as markdownPages } from './doc-links.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** The entry points of package.json `exports`, mapped to their sources. */
export const ENTRY_POINTS: Readonly<Record<string, string>> = {
  'faas-observability': 'src/index.ts',
  'faas-observability/lambda': 'src/lambda.ts',
  'faas-observability/edge': 'src/edge.ts',
  'faas-observability/aws': 'src/aws.ts',
  'faas-observability/loki': 'src/loki.ts',
  'faas-observability/exporters': 'src/exporters/index.ts',
};

export interface Snippet {
  /** The Markdown file, relative to the repository root (as printed). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly code: string;
  /** Fenced as ```ts no-check: not compiled. */
  readonly noCheck: boolean;
}

export interface SnippetError {
  readonly file: string;
  /** The block's opening fence (1-based). */
  readonly blockLine: number;
  /** Where the error is in the Markdown file (1-based), when the compiler gave a position. */
  readonly line?: number;
  readonly column?: number;
  readonly code: number;
  readonly message: string;
}

const TS_LANGUAGES = new Set(['ts', 'typescript']);

/** The ```ts / ```typescript blocks of a Markdown text, in order. */
export function extractSnippets(markdown: string, file: string): Snippet[] {
  const lines = markdown.split(/\r?\n/);
  const snippets: Snippet[] = [];
  let open: { fence: string; indent: number; line: number; info: string[]; body: string[] } | undefined;
  lines.forEach((text, index) => {
    if (open) {
      const closing = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(text);
      if (closing?.[1] && closing[1][0] === open.fence[0] && closing[1].length >= open.fence.length) {
        const [language = '', ...flags] = open.info;
        if (TS_LANGUAGES.has(language.toLowerCase())) {
          snippets.push({ file, line: open.line, code: open.body.join('\n'), noCheck: flags.includes('no-check') });
        }
        open = undefined;
      } else {
        // Content lines lose at most the opening fence's indentation (CommonMark).
        const strip = Math.min(open.indent, /^ */.exec(text)?.[0].length ?? 0);
        open.body.push(text.slice(strip));
      }
      return;
    }
    const opening = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(text);
    if (opening?.[2] && !(opening[2][0] === '`' && opening[3]?.includes('`'))) {
      const info = (opening[3] ?? '').trim().split(/\s+/).filter(Boolean);
      open = { fence: opening[2], indent: opening[1]?.length ?? 0, line: index + 1, info, body: [] };
    }
  });
  return snippets;
}

/** The compiler options of tsconfig.json, with the package's entry points mapped to the sources. */
export function snippetCompilerOptions(root: string = ROOT): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  const paths = Object.fromEntries(Object.entries(ENTRY_POINTS).map(([specifier, source]) => [specifier, [join(root, source)]]));
  return { ...parsed.options, noEmit: true, paths, moduleDetection: ts.ModuleDetectionKind.Force };
}

/** Type-checks snippets (no-check ones are skipped); returns their errors, in order. */
export function checkSnippets(snippets: readonly Snippet[], root: string = ROOT): SnippetError[] {
  const checked = snippets.filter((snippet) => !snippet.noCheck);
  if (checked.length === 0) return [];
  const options = snippetCompilerOptions(root);
  const modules = new Map<string, Snippet>();
  for (const snippet of checked) {
    modules.set(join(root, '.snippets', `${snippet.file.replace(/[^\w-]/g, '_')}_L${snippet.line}.ts`), snippet);
  }
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.getCurrentDirectory = () => root;
  host.fileExists = (name) => modules.has(name) || fileExists.call(host, name);
  host.readFile = (name) => modules.get(name)?.code ?? readFile.call(host, name);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) => {
    const snippet = modules.get(name);
    return snippet
      ? ts.createSourceFile(name, snippet.code, languageVersion, true)
      : getSourceFile.call(host, name, languageVersion, onError, shouldCreate);
  };
  const program = ts.createProgram({ rootNames: [...modules.keys()], options, host });

  const errors: SnippetError[] = [];
  // Problems of the setup itself (an option, a missing lib) are not any one snippet's: the first takes them.
  const first = checked[0] as Snippet;
  for (const diagnostic of [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]) {
    errors.push(toError(diagnostic, first, undefined));
  }
  for (const [name, snippet] of modules) {
    const source = program.getSourceFile(name);
    const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
    for (const diagnostic of diagnostics) errors.push(toError(diagnostic, snippet, source));
  }
  return errors;
}

function toError(diagnostic: ts.Diagnostic, snippet: Snippet, source: ts.SourceFile | undefined): SnippetError {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  const base = { file: snippet.file, blockLine: snippet.line, code: diagnostic.code, message };
  if (diagnostic.file !== source || source === undefined || diagnostic.start === undefined) return base;
  const position = source.getLineAndCharacterOfPosition(diagnostic.start);
  // The snippet's first line is the one after the opening fence.
  return { ...base, line: snippet.line + 1 + position.line, column: position.character + 1 };
}

export function formatError(error: SnippetError): string {
  const at = error.line === undefined ? '' : ` (${error.file}:${error.line}:${error.column ?? 1})`;
  return `${error.file}:${error.blockLine}: TS${error.code}: ${error.message}${at}`;
}

/** Extracts and checks the snippets of Markdown texts given as { file: text }. */
export function checkMarkdown(documents: Readonly<Record<string, string>>, root: string = ROOT): SnippetError[] {
  return checkSnippets(
    Object.entries(documents).flatMap(([file, text]) => extractSnippets(text, file)),
    root,
  );
}

/** README.md, CONTRIBUTING.md and docs/*.md of the repository (absolute paths). */
export function documentationFiles(root: string = ROOT): string[] {
  return markdownPages(root).map((file) => join(root, file));
}

if (import.meta.main) {
  const documents = Object.fromEntries(documentationFiles().map((path) => [relative(ROOT, path), readFileSync(path, 'utf8')]));
  const snippets = Object.entries(documents).flatMap(([file, text]) => extractSnippets(text, file));
  const errors = checkSnippets(snippets);
  for (const error of errors) console.error(formatError(error));
  const skipped = snippets.filter((snippet) => snippet.noCheck).length;
  const summary = `check:snippets: ${snippets.length - skipped} TypeScript snippet(s) in ${Object.keys(documents).length} file(s)${skipped ? `, ${skipped} marked no-check` : ''}`;
  if (errors.length > 0) {
    console.error(`${summary}: ${errors.length} error(s)`);
    process.exitCode = 1;
  } else {
    console.log(`${summary}: all type-check`);
  }
}
