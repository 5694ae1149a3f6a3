/**
 * The import boundaries of src/ (CONTRIBUTING.md, "Layout"): dependencies point down only,
 *   entry points (src/*.ts), cli/ → lambda/, edge/, aws/ → console/, triggers/ → core/ → exporters/,
 * and rooms on one floor do not import each other (lambda ↛ edge, lambda ↛ aws, console ↛ triggers): what only
 * AWS needs stays out of every bundle that does not import the `aws` entry. Run by `npm run lint`;
 * prints each import that runs upward or sideways and exits 1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

// cli/ (the package's command line, `faas-observability invoke`) stands beside the entry points: it may
// import every room below, and nothing imports it (an entry point doing so is sideways), so no bundle of a
// user's function pulls the local Runtime API or the receiver in.
const FLOORS: Record<string, number> = { exporters: 0, core: 1, console: 2, triggers: 2, lambda: 3, edge: 3, aws: 3, '': 4, cli: 4 };

/** The room of a file under src/: its first folder, or '' for an entry point. */
export function roomOf(srcRelative: string): string {
  const parts = srcRelative.split(/[\\/]/);
  return parts.length === 1 ? '' : parts[0]!;
}

/** Why `from` may not import `to` (both relative to src/), or undefined when it may. */
export function violation(from: string, to: string): string | undefined {
  const [a, b] = [roomOf(from), roomOf(to)];
  if (!(a in FLOORS)) return `${from} is in no room of the layout`;
  if (!(b in FLOORS)) return `${to} is in no room of the layout`;
  if (a === b) return a === '' ? `entry points do not import each other (${from} → ${to})` : undefined;
  if (FLOORS[b]! < FLOORS[a]!) return undefined;
  return `${from} → ${to}: ${FLOORS[b] === FLOORS[a] ? 'sideways' : 'upward'} (${a || 'entry'} may import only ${
    Object.entries(FLOORS)
      .filter(([, floor]) => floor < FLOORS[a]!)
      .map(([room]) => room)
      .join(', ') || 'nothing'
  })`;
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

/** Every relative import of the .ts files under `src`, as [from, to] paths relative to `src`. */
export function importsOf(src: string): [string, string][] {
  const edges: [string, string][] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts')) {
        for (const match of readFileSync(path, 'utf8').matchAll(IMPORT)) {
          const target = resolve(dirname(path), match[1] ?? match[2]!);
          edges.push([relative(src, path).split(sep).join('/'), relative(src, target).split(sep).join('/')]);
        }
      }
    }
  };
  walk(src);
  return edges;
}

if (import.meta.main) {
  const problems = importsOf(join(import.meta.dirname, '..', 'src')).flatMap(([from, to]) => violation(from, to) ?? []);
  for (const problem of problems) console.error(`check-layers: ${problem}`);
  if (problems.length > 0) process.exit(1);
  console.log('check-layers: every import in src/ points down');
}
