import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

// `faas-observability invoke` (src/cli/main.ts) run as a user types it, in a project folder of the test's.

const ROOT = new URL('../..', import.meta.url).pathname;
const CLI = join(ROOT, 'src/cli/main.ts');

export interface CliRun {
  readonly child: ChildProcess;
  /** What it printed so far. */
  readonly stdout: () => string;
  /** Resolves when it exited: its code (null after a signal) and all it printed. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

/** Starts the command in `cwd` with only PATH and `env` from the test's environment. */
export function startCli(cwd: string, args: string[], env: Record<string, string> = {}, stdin = ''): CliRun {
  const child = spawn(process.execPath, [CLI, 'invoke', ...args], { cwd, env: { PATH: process.env.PATH, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  child.stdin.end(stdin);
  return { child, stdout: () => stdout, exited };
}

/** Writes `text` to `path` in `project`, its folders made. */
export function writeInto(project: string, path: string, text: string): void {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
}

/** Bundles `source` (importing the library by its source path) to `outfile` in the project, as a user's build would. */
export async function bundleInto(project: string, source: string, outfile: string, format: 'esm' | 'cjs'): Promise<void> {
  await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node22',
    format,
    outfile: join(project, outfile),
    logLevel: 'error',
    // docs/bundling.md: an ESM bundle gets a require for the CommonJS packages it holds.
    ...(format === 'esm'
      ? { banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" } }
      : {}),
  });
}

/** A handler wrapped with the library that logs one line and answers 200: `what` names it in both. */
export const WRAPPED = (what: string) => `import { withObservability } from './src/lambda.ts';
export const handler = withObservability(async (event: { name?: string }) => {
  console.log('${what} says hello to', event.name ?? 'nobody');
  return { statusCode: 200, body: JSON.stringify({ from: '${what}', name: event.name ?? null }) };
});
`;
