import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missing, PREREQUISITES } from '../../tools/prepare-tests.ts';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
const ci = readFileSync('.ci/run', 'utf8');

describe('what `npm test` prepares before it runs (tools/prepare-tests.ts)', () => {
  it('runs before both test commands', () => {
    expect(pkg.scripts.pretest).toBe('node tools/prepare-tests.ts');
    expect(pkg.scripts['pretest:node22']).toBe('node tools/prepare-tests.ts');
  });

  it('builds with the npm scripts CI runs before the tests, every one of them', () => {
    const built = [...ci.matchAll(/^npm run ((?:\w+):(?:build|install))$/gm)].map((m) => m[1]);
    expect(PREREQUISITES.map((item) => item.script).sort()).toEqual([...built].sort());
    for (const item of PREREQUISITES) expect(pkg.scripts[item.script]).toBeDefined();
  });

  it('looks where the tests look', () => {
    const paths = PREREQUISITES.map((item) => item.path.replace(`${process.cwd()}/`, ''));
    expect(paths).toContain('.cache/ric/node_modules/aws-lambda-ric/index.mjs');
    expect(readFileSync('test/helpers/runtimes.ts', 'utf8')).toContain('.cache/ric/node_modules/aws-lambda-ric/index.mjs');
    expect(paths).toContain('.cache/rie/aws-lambda-rie');
    expect(readFileSync('test/e2e/rie-conformance.test.ts', 'utf8')).toContain('.cache/rie/aws-lambda-rie');
  });

  it('has nothing to do when every path is there, and names what is not', () => {
    const here = { name: 'here', script: 'x:build', path: 'package.json' };
    const absent = { name: 'absent', script: 'y:build', path: '.cache/no-such-binary' };
    expect(missing([here])).toEqual([]);
    expect(missing([here, absent])).toEqual([absent]);
  });
});
