import type { Diagnostics } from '../core/diagnostics.ts';

/**
 * The oldest Node the library supports: package.json `engines` (a unit test keeps them equal). Older Node
 * does not publish the `http.client.request.created` diagnostics channel (Node 22.14, 23.2) that the
 * `node:http` CLIENT spans start from: https://nodejs.org/api/diagnostics_channel.html#http
 */
export const MINIMUM_NODE = '22.15.0';

/**
 * Whether the Node version `running` (`process.version`: `v20.18.0`) is older than `minimum` (`22.15.0`).
 * A version it cannot read is not called too old: a false warning would send users after a wrong cause.
 *
 * @example
 * nodeTooOld('v20.18.0', '22.15.0'); // true
 */
export function nodeTooOld(running: string, minimum: string): boolean {
  // NaN (a version it cannot read) is below nothing.
  return rank(running) < rank(minimum);
}

// Major, minor and patch as one number; a pre-release suffix (`-nightly…`) is ignored: its release decides.
function rank(version: string): number {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  return match ? (Number(match[1]) * 1e3 + Number(match[2])) * 1e3 + Number(match[3]) : NaN;
}

/**
 * Writes one warning through `diagnostics` (never the patched console) when `running` is older than
 * {@link MINIMUM_NODE}, saying what does not work there, instead of failing silently.
 *
 * @example
 * warnIfNodeTooOld(telemetry.diagnostics); // reads process.version
 */
export function warnIfNodeTooOld(diagnostics: Pick<Diagnostics, 'once'>, running: string = process.version): void {
  if (!nodeTooOld(running, MINIMUM_NODE)) return;
  diagnostics.once(
    'node-too-old',
    'warn',
    `Node ${running} is older than ${MINIMUM_NODE} (engines): node:http(s) requests get no CLIENT span; use nodejs22.x or nodejs24.x`,
  );
}
