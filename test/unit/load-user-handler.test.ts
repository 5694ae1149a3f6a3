import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadUserHandler, parseHandlerName } from '../../src/lambda/load-user-handler.ts';

// The layer loads the function's handler as aws-lambda-ric does (its UserFunctionLoader): the same inputs,
// the same module, export and errors. The end-to-end test compares the errors with the real RIC's.

let root: string;
const files: Record<string, string> = {
  'index.mjs': "export const handler = () => 'mjs';",
  'nested.mjs': "export const a = { b: () => 'nested' };",
  'index.js': "exports.handler = () => 'js wins over mjs';",
  'cjs.cjs': "module.exports = { handler: () => 'cjs' };",
  plain: "exports.handler = () => 'no extension';",
  'defaulted.mjs': "export default { handler: () => 'from default' };",
  'throws.mjs': "throw new TypeError('init failed');",
  'src/api/app.mjs': "export const handler = () => 'app';",
  'node_modules/pkg/index.js': "exports.handler = () => 'package';",
};
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'handler-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  }
});

const load = (name: string) => loadUserHandler(root, name, import.meta.filename);
const call = async (name: string) => ((await load(name)) as () => string)();

describe('parseHandlerName', () => {
  it.each([
    ['index.handler', { moduleRoot: '', moduleName: 'index', handlerName: 'handler' }],
    ['src/api/app.handler', { moduleRoot: 'src/api', moduleName: 'app', handlerName: 'handler' }],
    ['/abs/dir/app.a.b', { moduleRoot: '/abs/dir', moduleName: 'app', handlerName: 'a.b' }],
  ])('%s', (name, parsed) => expect(parseHandlerName(name)).toEqual(parsed));

  it('refuses a name without a dot ("Bad handler") and one with ".."', () => {
    expect(() => parseHandlerName('index')).toThrow(
      expect.objectContaining({ name: 'Runtime.MalformedHandlerName', message: 'Bad handler' }),
    );
    expect(() => parseHandlerName('../x.handler')).toThrow(
      expect.objectContaining({
        name: 'Runtime.MalformedHandlerName',
        message: "'../x.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
      }),
    );
  });
});

describe('loadUserHandler', () => {
  it('tries "", .js, .mjs, .cjs in that order, then require.resolve from the task root', async () => {
    expect(await call('index.handler')).toBe('js wins over mjs');
    expect(await call('cjs.handler')).toBe('cjs');
    expect(await call('plain.handler')).toBe('no extension');
    expect(await call('pkg.handler')).toBe('package');
    expect(await call(`${root}/src/api/app.handler`)).toBe('app');
    expect(await call('src/api/app.handler')).toBe('app');
  });

  it('finds nested exports and looks into the default export', async () => {
    expect(await call('defaulted.handler')).toBe('from default');
    expect(await call('nested.a.b')).toBe('nested');
  });

  it('fails with the runtime error types and messages', async () => {
    await expect(load('index.missing')).rejects.toMatchObject({
      name: 'Runtime.HandlerNotFound',
      message: 'index.missing is undefined or not exported',
    });
    await expect(load('cjs.missing')).rejects.toMatchObject({ name: 'Runtime.HandlerNotFound' });
    await expect(load('missing.handler')).rejects.toMatchObject({
      name: 'Runtime.ImportModuleError',
      message: /^Error: Cannot find module 'missing'/,
    });
    // A syntax error (Runtime.UserCodeSyntaxError) is compared with the real runtime client's in test/e2e/lambda-layer.test.ts:
    // vitest's module loader, not Node's, reports it here.
    await expect(load('throws.handler')).rejects.toMatchObject({ name: 'TypeError', message: 'init failed' });
  });

  it('says "is not a function" for an export that is not one', async () => {
    writeFileSync(join(root, 'values.mjs'), 'export const handler = 1;');
    await expect(load('values.handler')).rejects.toMatchObject({
      name: 'Runtime.HandlerNotFound',
      message: 'values.handler is not a function',
    });
  });
});
