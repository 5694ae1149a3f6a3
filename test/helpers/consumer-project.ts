import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');

/** A project of a user's, in a temporary folder, with the library installed as the packed tarball holds it. */
export interface ConsumerProject {
  readonly dir: string;
  /** Writes a file of the project (relative path), creating its folders. */
  write(path: string, text: string): void;
  /** Runs a shell command line in the project, as a user types it; returns its output, throws on failure. */
  run(commandLine: string, env?: Record<string, string>): string;
  /** Deletes the project's folder. */
  remove(): void;
}

/**
 * A temporary project whose `node_modules/faas-observability` is the package as published (its
 * package.json and `lib/` built by `tsc -p tsconfig.build.json`, as `prepack` does), and whose other
 * packages (esbuild, typescript, the AWS SDK, the OpenTelemetry API) are this repository's, linked.
 *
 * @example
 * const project = createConsumerProject({ type: 'module' });
 * project.write('src/handler.ts', "import { withObservability } from 'faas-observability/lambda'; …");
 * project.run('npx esbuild src/handler.ts --bundle --outdir=dist');
 */
export function createConsumerProject(packageJson: { type: 'module' | 'commonjs' }): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), 'consumer-'));
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== 'faas-observability') symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  const library = join(modules, 'faas-observability');
  mkdirSync(library);
  copyFileSync(join(ROOT, 'package.json'), join(library, 'package.json'));
  execFileSync(process.execPath, [TSC, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(library, 'lib')], { stdio: 'pipe' });
  // As `npm run build:lib`: the runtime client of `faas-observability invoke` is plain JavaScript, copied.
  copyFileSync(join(ROOT, 'src/cli/lambda-runtime/bootstrap.mjs'), join(library, 'lib/cli/lambda-runtime/bootstrap.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, ...packageJson }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const run = (commandLine: string, env: Record<string, string> = {}) => {
    try {
      return execFileSync('sh', ['-c', commandLine], {
        cwd: dir,
        encoding: 'utf8',
        stdio: 'pipe',
        env: { ...process.env, PATH: `${join(modules, '.bin')}:${dirname(process.execPath)}:${process.env.PATH}`, ...env },
      });
    } catch (error) {
      // The command's own output (tsc writes its errors to stdout) is what a failure is about.
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`${commandLine} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
    }
  };
  return { dir, write, run, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The fenced code block that follows the marker `<!-- recipe: <name> -->` in a Markdown document: the
 * commands a test runs exactly as the page shows them.
 *
 * @example
 * const lambda = recipe(readFileSync('docs/bundling.md', 'utf8'), 'lambda');
 */
export function recipe(markdown: string, name: string): string {
  const match = new RegExp(`<!-- recipe: ${name} -->\\s*\`\`\`\\w*\\n([\\s\\S]*?)\`\`\``).exec(markdown);
  if (!match) throw new Error(`no block marked <!-- recipe: ${name} --> in the document`);
  return match[1]!;
}
