import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLayer, compileLib, WRAPPER } from '../../tools/build-layer.ts';

// npm run build:layer: a deterministic zip with the wrapper executable, the package and its runtime
// dependencies; and the wrapper's one job, checked by running it (POSIX sh) with `env` as the runtime command.

let work: string;
let lib: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'layer-build-'));
  lib = compileLib(join(work, 'lib'));
}, 120_000);

describe('the layer zip', () => {
  it('is the same bytes on two builds', async () => {
    const first = await buildLayer(join(work, 'one.zip'), { lib });
    const second = await buildLayer(join(work, 'two.zip'), { lib });
    expect(readFileSync(second.zip).equals(readFileSync(first.zip))).toBe(true);
  }, 60_000);

  it('holds the executable wrapper at its root, the package with lib/ and the handler module, and the runtime dependencies', async () => {
    const { zip } = await buildLayer(join(work, 'layer.zip'), { lib });
    const listing = execFileSync('unzip', ['-Z', zip], { encoding: 'utf8' }).split('\n');
    const modeOf = (name: string) => listing.find((line) => line.endsWith(` ${name}`))?.split(' ')[0];
    expect(modeOf('faas-observability-wrapper')).toBe('-rwxr-xr-x');
    expect(modeOf('nodejs/node_modules/faas-observability/lib/lambda.js')).toBe('-rw-r--r--');
    for (const name of [
      'nodejs/node_modules/faas-observability/package.json',
      'nodejs/node_modules/faas-observability/lambda-layer.mjs',
      'nodejs/node_modules/faas-observability/lib/lambda-layer.js',
      'nodejs/node_modules/@opentelemetry/api/package.json',
      'nodejs/node_modules/@opentelemetry/sdk-trace/package.json',
      'nodejs/node_modules/@opentelemetry/semantic-conventions/package.json',
    ])
      expect(modeOf(name), name).toBeDefined();
    // Types and source maps are of no use in /opt.
    expect(listing.filter((line) => /\.(d\.ts|map)$/.test(line))).toEqual([]);
  }, 60_000);
});

describe('the wrapper', () => {
  const run = (env: Record<string, string>, wrapper = WRAPPER) =>
    Object.fromEntries(
      execFileSync(wrapper, ['env'], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' })
        .split('\n')
        .filter((line) => /^(_HANDLER|FAAS_OBSERVABILITY_HANDLER)=/.test(line))
        .map((line) => line.split(/=(.*)/s).slice(0, 2)),
    );

  it('keeps the handler setting and points _HANDLER at the handler module beside itself, by an absolute path', () => {
    const env = run({ _HANDLER: 'src/api/app.handler' });
    expect(env.FAAS_OBSERVABILITY_HANDLER).toBe('src/api/app.handler');
    expect(env._HANDLER).toBe(join(import.meta.dirname, '../../tools/layer/nodejs/node_modules/faas-observability/lambda-layer.handler'));
  });

  it('run twice, keeps the original handler', () => {
    const once = run({ _HANDLER: 'index.handler' });
    expect(run(once)).toEqual(once);
  });
});
