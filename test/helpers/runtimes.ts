import { existsSync } from 'node:fs';

const RIC = new URL('../../.cache/ric/node_modules/aws-lambda-ric/index.mjs', import.meta.url).pathname;
if (process.env.CI && !existsSync(RIC)) throw new Error(`no aws-lambda-ric at ${RIC}: CI must run \`npm run ric:install\` first`);

/**
 * The runtime clients a function runs under in the end-to-end tests: our JS bootstrap always; the real
 * aws-lambda-ric too where `npm run ric:install` built it (always in CI). The second field is
 * `RuntimeApiServer.start`'s `runtime`.
 *
 * @example
 * describe.each(RUNTIMES)('under %s', (_name, runtime) => { ... });
 */
export const RUNTIMES: [string, string[] | undefined][] = [
  ['our bootstrap', undefined],
  ...(existsSync(RIC) ? [['aws-lambda-ric', [RIC]] as [string, string[]]] : []),
];
