/**
 * The licence policy of everything this project builds, runs or installs: the npm packages `npm ci` installs
 * and the Go modules compiled into the binaries .ci/run builds (the collector, Jaeger, VictoriaLogs, AWS's
 * RIE). The project never builds, runs or ships AGPL, GPL, SSPL or BUSL code, nor code of an unknown licence.
 *
 * Allowed: permissive licences, the weak-copyleft MPL-2.0 (file-level: it asks nothing of the code beside it)
 * and Creative Commons attribution licences (data such as caniuse-lite, spdx-exceptions).
 * LGPL is not on the list: it is weak copyleft too, but its terms depend on how the library is linked and
 * shipped, so each LGPL package is reviewed and named in LGPL_REVIEWED with the reason it is fine.
 */

/** SPDX identifiers allowed anywhere. */
export const ALLOWED = new Set([
  'MIT',
  'MIT-0',
  'X11',
  'Apache-2.0',
  'BSD-2-Clause',
  'BSD-2-Clause-Views',
  'BSD-3-Clause',
  'ISC',
  '0BSD',
  'Zlib',
  'BSL-1.0',
  'CC0-1.0',
  'Unlicense',
  'BlueOak-1.0.0',
  'Python-2.0',
  'PSF-2.0',
  'MPL-2.0',
  'CC-BY-3.0',
  'CC-BY-4.0',
]);

/**
 * Packages under the LGPL, reviewed one by one (name without version → why it is fine). LGPL lets a program
 * use an unmodified library through dynamic linking without putting the program under the LGPL; its duties
 * (source, relinking) come with distributing the library, which this project does not do with these.
 */
export const LGPL_REVIEWED: Readonly<Record<string, string>> = {
  '@img/sharp-libvips-linux-x64':
    'libvips, prebuilt and unmodified, loaded as a shared library by sharp (an optional dependency of miniflare, ' +
    'the workerd test runtime); a development dependency only, never bundled or shipped',
};

/** A package or module and the licence it declares (an SPDX expression, or what the scanner found). */
export interface Licensed {
  /** `name@version` (npm) or `module@version` (Go). */
  readonly name: string;
  /** An SPDX expression such as `MIT` or `(MIT OR Apache-2.0)`; '' or `UNKNOWN` when none was found. */
  readonly licence: string;
}

/** Why `item` is refused, or undefined when its licence is allowed. */
export function refusal(item: Licensed): string | undefined {
  const licence = item.licence.trim();
  if (licence === '' || /^UNKNOWN\b/i.test(licence)) return `${item.name}: no licence found (${licence || 'none declared'})`;
  const name = item.name.replace(/@[^@]*$/, '');
  const allowed = (id: string) => ALLOWED.has(id) || (/^LGPL-/.test(id) && name in LGPL_REVIEWED);
  let verdict: boolean;
  try {
    verdict = satisfies(licence, allowed);
  } catch (error) {
    return `${item.name}: unreadable licence "${licence}" (${(error as Error).message})`;
  }
  return verdict ? undefined : `${item.name}: ${licence} is not allowed`;
}

/** Every refusal among `items`, sorted: empty when all pass. */
export function refusals(items: readonly Licensed[]): string[] {
  return items.flatMap((item) => refusal(item) ?? []).sort();
}

/**
 * Evaluates an SPDX license expression (`A OR B`, `A AND B`, parentheses, `A WITH exception`, `A+`): OR needs
 * one allowed side, AND both. A licence an npm checker guessed from a file carries a trailing `*`: kept as is.
 */
export function satisfies(expression: string, allowed: (id: string) => boolean): boolean {
  const tokens = expression.match(/\(|\)|[^\s()]+/g) ?? [];
  let at = 0;
  const peek = () => tokens[at]?.toUpperCase();
  const primary = (): boolean => {
    const token = tokens[at++];
    if (token === undefined) throw new Error('unexpected end');
    if (token === '(') {
      const inner = or();
      if (tokens[at++] !== ')') throw new Error('missing )');
      return inner;
    }
    if (peek() === 'WITH') at += 2; // an exception only adds permissions (LLVM-exception, Classpath-exception-2.0)
    return allowed(token.replace(/\*$/, '').replace(/\+$/, ''));
  };
  const and = (): boolean => {
    let value = primary();
    while (peek() === 'AND') {
      at++;
      value = primary() && value;
    }
    return value;
  };
  const or = (): boolean => {
    let value = and();
    while (peek() === 'OR') {
      at++;
      value = and() || value;
    }
    return value;
  };
  const value = or();
  if (at !== tokens.length) throw new Error(`unexpected "${tokens[at]}"`);
  return value;
}
