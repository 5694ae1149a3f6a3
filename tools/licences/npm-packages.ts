import type { Licensed } from './policy.ts';

/** What license-checker-rseidelsohn reports for one installed package (the fields this check reads). */
interface CheckerModule {
  licenses?: string | string[];
  private?: boolean;
}
type Checker = { init(options: { start: string }, done: (error: Error | null, packages: Record<string, CheckerModule>) => void): void };

// A dev dependency loaded only here, when the npm check runs: the policy and the Go check do not need it.
const CHECKER = 'license-checker-rseidelsohn';

/**
 * Every package installed under `root`/node_modules with its licence, as license-checker-rseidelsohn reads it
 * (the package.json `license`, else its licence file, a guess then marked with `*`). Several licences listed
 * in a package's legacy `licenses` array must all be allowed.
 *
 * @example
 * const packages = await npmPackages(process.cwd()); // [{ name: 'vitest@5.1.1', licence: 'MIT' }, …]
 */
export async function npmPackages(root: string): Promise<Licensed[]> {
  const { init } = (await import(CHECKER)) as Checker;
  const packages = await new Promise<Record<string, CheckerModule>>((resolve, reject) =>
    init({ start: root }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  return Object.entries(packages).map(([name, found]) => ({ name, licence: licenceOf(found.licenses) }));
}

function licenceOf(licenses: string | string[] | undefined): string {
  if (licenses === undefined) return '';
  if (typeof licenses === 'string') return licenses;
  return licenses.length === 0 ? '' : licenses.map((licence) => `(${licence})`).join(' AND ');
}
