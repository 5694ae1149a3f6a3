/**
 * The licence check of CI (policy: tools/licences/policy.ts). Exits 1 and names each package or module
 * whose licence is not allowed or not found.
 *
 *   node tools/check-licences.ts npm          the npm packages installed here (and in .cache/ric, when there)
 *   node tools/check-licences.ts go [bin…]    the Go modules compiled into the binaries (default: every Go
 *                                             binary under .cache/, as .ci/run builds them)
 */
import { existsSync } from 'node:fs';
import { goBinaries, goModuleLicences, pinnedVersions } from './licences/go-modules.ts';
import { npmPackages } from './licences/npm-packages.ts';
import { refusals, type Licensed } from './licences/policy.ts';

const ROOT = new URL('..', import.meta.url).pathname;

async function npmItems(): Promise<Licensed[]> {
  // .cache/ric: the real aws-lambda-ric and its dependencies, installed by `npm run ric:install`.
  const roots = [ROOT, `${ROOT}.cache/ric`].filter((root) => existsSync(`${root}/node_modules`));
  return (await Promise.all(roots.map(npmPackages))).flat();
}

function goItems(binaries: string[]): Licensed[] {
  const found = binaries.length > 0 ? binaries : goBinaries(`${ROOT}.cache`);
  if (found.length === 0) throw new Error(`no Go binary under ${ROOT}.cache: run the builds first (npm run collector:build, …)`);
  console.log(`check:licences: the Go modules of ${found.join(', ')}`);
  return goModuleLicences(found, pinnedVersions(`${ROOT}tools`));
}

/** Checks `kind` ('npm' or 'go'); returns the exit code. */
export async function checkLicences(kind: string, binaries: string[]): Promise<number> {
  if (kind !== 'npm' && kind !== 'go') {
    console.error('usage: node tools/check-licences.ts npm | go [binary…]');
    return 2;
  }
  const items = kind === 'npm' ? await npmItems() : goItems(binaries);
  const refused = refusals(items);
  if (refused.length === 0) {
    console.log(`check:licences: ${items.length} ${kind === 'npm' ? 'npm packages' : 'Go modules'}, every licence allowed`);
    return 0;
  }
  console.error(`check:licences: ${refused.length} of ${items.length} refused (tools/licences/policy.ts):`);
  for (const line of refused) console.error(`  ${line}`);
  return 1;
}

if (import.meta.main) process.exitCode = await checkLicences(process.argv[2] ?? '', process.argv.slice(3));
