import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveUserHandler } from '../../src/cli/user-handler.ts';

// What `faas-observability invoke` makes of the file a user names: Lambda's handler setting, or why Lambda
// could not run that file under one.

let root: string;
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'user-handler-'));
  for (const file of [
    'dist/index.mjs',
    'src/api/app.js',
    'legacy/handler.cjs',
    'both/index.js',
    'both/index.mjs',
    'dist/index.bundle.mjs',
    'src/handler.ts',
    'src/handler.mts',
  ]) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
  }
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveUserHandler', () => {
  it.each([
    ['./dist/index.mjs', undefined, 'dist/index.handler'],
    ['dist/index.mjs:main', undefined, 'dist/index.main'],
    ['dist/index.mjs.main', undefined, 'dist/index.main'],
    ['dist/index.mjs', 'main', 'dist/index.main'],
    ['dist/index.mjs:main', 'other', 'dist/index.other'],
    ['src/api/app.routes.get', undefined, 'src/api/app.routes.get'],
    ['legacy/handler.cjs', undefined, 'legacy/handler.handler'],
    ['both/index.js', undefined, 'both/index.handler'],
  ])('%s (--handler %s) → %s', (spec, exportName, handler) => {
    expect(resolveUserHandler(spec, exportName, root)).toEqual({ taskRoot: root, handler, file: expect.stringContaining(root) });
  });

  it('takes a file outside the task root by its absolute path, as the runtime client does', () => {
    const result = resolveUserHandler(join(root, 'dist/index.mjs'), undefined, join(root, 'src'));
    expect(result).toMatchObject({ handler: `${join(root, 'dist/index')}.handler` });
  });

  it.each([
    ['dist/missing.mjs', /^no file for "dist\/missing.mjs"/],
    ['both/index.mjs', /^Lambda would load .*both\/index\.js for this handler, not .*both\/index\.mjs/],
    ['dist/index.bundle.mjs', /^Lambda cannot name index\.bundle\.mjs in a handler setting/],
    ['dist/index.mjs:not an export', /is not an export name/],
    ['src/handler.ts', /^Lambda's Node\.js runtime does not run TypeScript: bundle src\/handler\.ts first \(docs\/bundling\.md\)/],
    ['src/handler.mts:main', /^Lambda's Node\.js runtime does not run TypeScript: bundle src\/handler\.mts first/],
  ])('%s: an error that says why', (spec, message) => {
    expect(resolveUserHandler(spec, undefined, root)).toMatch(message);
  });
});
