import type { AnyHandler } from './handler-shapes.ts';

// Loads the function's handler as the Lambda runtime interface client does, so a handler module that stands
// in for the user's (the layer's) resolves the same module, finds the same export and fails with the same
// error type and message. The steps mirror aws-lambda-ric's UserFunctionLoader, module loader and handler
// resolver (Apache-2.0): https://github.com/aws/aws-lambda-nodejs-runtime-interface-client
// The error names are those the runtime reports to /init/error:
// https://docs.aws.amazon.com/lambda/latest/dg/nodejs-exceptions.html

/** An error with the runtime's name (its `errorType` in /init/error). */
function runtimeError(name: string, message: string, stack?: string): Error {
  const error = new Error(message);
  error.name = name;
  if (stack !== undefined) error.stack = stack;
  return error;
}

export interface HandlerName {
  readonly moduleRoot: string;
  readonly moduleName: string;
  readonly handlerName: string;
}

/**
 * Splits `_HANDLER` like the runtime: the folders before the last `/` are the module root, the file name up
 * to its first dot the module, the rest the (possibly nested, `a.b`) export.
 *
 * @example
 * parseHandlerName('src/api/app.handler'); // { moduleRoot: 'src/api', moduleName: 'app', handlerName: 'handler' }
 */
export function parseHandlerName(handler: string): HandlerName {
  if (handler.includes('..')) {
    throw runtimeError(
      'Runtime.MalformedHandlerName',
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const { basename } = process.getBuiltinModule('node:path');
  const file = basename(handler);
  const match = /^([^.]*)\.(.*)$/.exec(file);
  if (!match) throw runtimeError('Runtime.MalformedHandlerName', 'Bad handler');
  return { moduleRoot: handler.substring(0, handler.indexOf(file)).replace(/\/$/, ''), moduleName: match[1]!, handlerName: match[2]! };
}

/**
 * The handler module: the first of `<path>`, `.js`, `.mjs`, `.cjs` that exists, imported; else what
 * `require.resolve` finds for the module name from the task root. A syntax error becomes
 * `Runtime.UserCodeSyntaxError`, a missing module `Runtime.ImportModuleError`; any other error is the user's.
 */
export async function loadModule(appRoot: string, name: HandlerName, requireFrom: string): Promise<unknown> {
  const { join, resolve } = process.getBuiltinModule('node:path');
  const { existsSync } = process.getBuiltinModule('node:fs');
  const { createRequire } = process.getBuiltinModule('node:module');
  const withoutExtension = resolve(appRoot, name.moduleRoot, name.moduleName);
  try {
    for (const extension of ['', '.js', '.mjs', '.cjs']) {
      // A path, not a file URL, as the runtime imports it.
      if (existsSync(withoutExtension + extension)) return (await import(withoutExtension + extension)) as unknown;
    }
    const require = createRequire(requireFrom);
    return require(require.resolve(name.moduleName, { paths: [appRoot, join(appRoot, name.moduleRoot)] })) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) throw runtimeError('Runtime.UserCodeSyntaxError', String(error), error.stack);
    if (error instanceof Error && (error as { code?: unknown }).code === 'MODULE_NOT_FOUND')
      throw runtimeError('Runtime.ImportModuleError', String(error));
    throw error;
  }
}

/** The export `handlerName` (`a.b` nested) of the module, or of its default export; a function or the runtime's error. */
export function resolveHandler(module: unknown, handlerName: string, fullName: string): AnyHandler {
  let handler = findIn(handlerName, module);
  if (!handler && typeof module === 'object' && module !== null && 'default' in module) handler = findIn(handlerName, module.default);
  if (!handler) throw runtimeError('Runtime.HandlerNotFound', `${fullName} is undefined or not exported`);
  if (typeof handler !== 'function') throw runtimeError('Runtime.HandlerNotFound', `${fullName} is not a function`);
  return handler as AnyHandler;
}

function findIn(handlerName: string, module: unknown): unknown {
  return handlerName
    .split('.')
    .reduce<unknown>(
      (nested, key) => (nested && typeof nested === 'object' ? (nested as Record<string, unknown>)[key] : undefined),
      module,
    );
}

/**
 * The user's handler named by `handler` (Lambda's handler setting) under `appRoot` (`LAMBDA_TASK_ROOT`), or
 * the error the runtime would have thrown for it. `requireFrom` is the file the CommonJS fallback resolves
 * from: the runtime's own entry gives the same "Require stack" in a not-found message.
 *
 * @example
 * const original = await loadUserHandler('/var/task', 'index.handler', process.argv[1]);
 */
export async function loadUserHandler(appRoot: string, handler: string, requireFrom: string): Promise<AnyHandler> {
  const name = parseHandlerName(handler);
  return resolveHandler(await loadModule(appRoot, name, requireFrom), name.handlerName, handler);
}
