import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Licensed } from './policy.ts';

/** A Go module compiled into a binary; `version` is `(devel)` for a main module built from a local copy. */
export interface GoModule {
  readonly path: string;
  readonly version: string;
}

/**
 * The modules `go version -m` lists for one binary: the toolchain's standard library (`std`), the main
 * module, and every dependency (a `=>` replacement stands for the module it replaces).
 *
 * @example
 * modulesOf(execFileSync('go', ['version', '-m', '.cache/jaeger/jaeger'], { encoding: 'utf8' }));
 */
export function modulesOf(versionOutput: string): GoModule[] {
  const modules: GoModule[] = [];
  const toolchain = /^[^\n]*: (go\d[^\s]*)/.exec(versionOutput);
  if (toolchain) modules.push({ path: 'std', version: toolchain[1]! });
  for (const line of versionOutput.split('\n')) {
    const [kind, path, version] = line.trim().split('\t');
    if (!path) continue;
    if (kind === 'mod' || kind === 'dep') modules.push({ path, version: version ?? '' });
    // A replacement by a local directory has no version: it is then refused as unknown.
    else if (kind === '=>') modules[modules.length - 1] = { path, version: version ?? '' };
  }
  return modules;
}

/** The Go binaries under `.cache/<name>/` and `.cache/<name>/bin/` (files `go version -m` can read). */
export function goBinaries(cache: string): string[] {
  if (!existsSync(cache)) return [];
  const files = readdirSync(cache).flatMap((name) =>
    [join(cache, name), join(cache, name, 'bin')].flatMap((dir) =>
      existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).map((file) => join(dir, file)) : [],
    ),
  );
  return files.filter((file) => statSync(file).isFile() && (statSync(file).mode & 0o111) !== 0 && goVersion(file) !== undefined);
}

function goVersion(binary: string): string | undefined {
  try {
    return execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

/**
 * The versions of main modules that tools/go-module-build.sh builds from a copy (so the binary says `(devel)`):
 * the `go_module_build <name> <module> <version> <package>` lines of tools/*-build.sh.
 */
export function pinnedVersions(toolsDir: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const script of readdirSync(toolsDir).filter((name) => name.endsWith('-build.sh'))) {
    for (const [, module, version] of readFileSync(join(toolsDir, script), 'utf8').matchAll(/^go_module_build\s+\S+\s+(\S+)\s+(\S+)/gm))
      pins.set(module!, version!.startsWith('v') ? version! : `v${version}`);
  }
  return pins;
}

/**
 * Every module compiled into `binaries`, each once. A `(devel)` main module takes its pinned version, or the
 * version another binary has of it (ocb's generated collector is module go.opentelemetry.io/collector/cmd/builder,
 * the builder binary itself the released one).
 */
export function modulesOfBinaries(binaries: readonly string[], pins: ReadonlyMap<string, string>): GoModule[] {
  const all = binaries.flatMap((binary) => modulesOf(goVersion(binary) ?? ''));
  const released = new Map(all.filter((m) => m.version !== '(devel)').map((m) => [m.path, m.version]));
  const unique = new Map<string, GoModule>();
  for (const module of all) {
    const version = module.version === '(devel)' ? (pins.get(module.path) ?? released.get(module.path) ?? '(devel)') : module.version;
    unique.set(`${module.path}@${version}`, { path: module.path, version });
  }
  return [...unique.values()].sort((a, b) => `${a.path}@${a.version}`.localeCompare(`${b.path}@${b.version}`));
}

/** The module cache's spelling of a path: each capital letter as `!` and its lower case (golang.org/x/mod). */
export const escapePath = (path: string): string => path.replace(/[A-Z]/g, (letter) => `!${letter.toLowerCase()}`);

/** Where a module's source is: the module cache (downloaded when absent), GOROOT for `std`, undefined if none. */
export function moduleDir(module: GoModule, goEnv: { GOMODCACHE: string; GOROOT: string }): string | undefined {
  if (module.path === 'std') return goEnv.GOROOT;
  if (!/^v\d/.test(module.version)) return undefined;
  const dir = join(goEnv.GOMODCACHE, `${escapePath(module.path)}@${module.version}`);
  if (existsSync(dir)) return dir;
  try {
    const json = execFileSync('go', ['mod', 'download', '-json', `${module.path}@${module.version}`], { encoding: 'utf8' });
    return (JSON.parse(json) as { Dir?: string }).Dir;
  } catch {
    return undefined;
  }
}

/** What tools/go-licences (licensecheck) found in one directory. */
export interface Classified {
  readonly dir: string;
  readonly files: { name: string; ids: string[]; percent: number }[];
  readonly error?: string;
}

const GO_LICENCES = new URL('../go-licences/', import.meta.url).pathname;

/** Runs the licensecheck classifier (tools/go-licences) over module directories. */
export function classify(dirs: readonly string[]): Classified[] {
  if (dirs.length === 0) return [];
  const json = execFileSync('go', ['run', '.', ...dirs], { cwd: GO_LICENCES, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(json) as Classified[];
}

/** pkg.go.dev shows a licence only when the recognised licences cover this much of the file's text. */
export const COVERAGE_THRESHOLD = 75;

/** The licence expression of one classified directory: every licence found, all required; UNKNOWN when unclear. */
export function licenceOfDir(classified: Classified | undefined): string {
  if (!classified) return 'UNKNOWN (source not found)';
  if (classified.error) return `UNKNOWN (${classified.error})`;
  if (classified.files.length === 0) return 'UNKNOWN (no LICENSE or COPYING file)';
  const unclear = classified.files.find((file) => file.percent < COVERAGE_THRESHOLD || file.ids.length === 0);
  if (unclear)
    return `UNKNOWN (${unclear.name}: ${Math.round(unclear.percent)}% recognised${unclear.ids.length ? ` as ${unclear.ids.join(', ')}` : ''})`;
  return [...new Set(classified.files.flatMap((file) => file.ids))].join(' AND ');
}

/**
 * Every module compiled into `binaries` with its licence, read from the licence files of its source.
 *
 * @example
 * const modules = goModuleLicences(goBinaries('.cache'), pinnedVersions('tools')); // [{ name: 'github.com/…@v1.2.0', licence: 'MIT' }, …]
 */
export function goModuleLicences(binaries: readonly string[], pins: ReadonlyMap<string, string>): Licensed[] {
  const goEnv = JSON.parse(execFileSync('go', ['env', '-json', 'GOMODCACHE', 'GOROOT'], { encoding: 'utf8' })) as {
    GOMODCACHE: string;
    GOROOT: string;
  };
  const modules = modulesOfBinaries(binaries, pins).map((module) => ({ module, dir: moduleDir(module, goEnv) }));
  const classified = new Map(classify(modules.flatMap(({ dir }) => dir ?? [])).map((c) => [c.dir, c]));
  return modules.map(({ module, dir }) => ({
    name: `${module.path}@${module.version}`,
    licence: licenceOfDir(dir === undefined ? undefined : classified.get(dir)),
  }));
}
