import { ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';

/** The AsyncLocalStorage shape shared by Node, workerd (nodejs_compat), Deno and Vercel Edge. */
export interface AsyncLocalStorageLike<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
  disable(): void;
}
export type AsyncLocalStorageClass = new <T>() => AsyncLocalStorageLike<T>;

/**
 * A ContextManager over any runtime's AsyncLocalStorage, without importing `node:async_hooks` or
 * `node:events` (which the SDK's own manager does), so edge bundles stay free of Node built-ins.
 *
 * @example
 * context.setGlobalContextManager(new AlsContextManager(AsyncLocalStorage).enable());
 */
export class AlsContextManager implements ContextManager {
  readonly #storage: AsyncLocalStorageLike<Context>;

  constructor(Storage: AsyncLocalStorageClass) {
    this.#storage = new Storage<Context>();
  }

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    context: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (thisArg: unknown, args: unknown[]) =>
      this.with(context, () => (target as (...a: unknown[]) => unknown).apply(thisArg, args));
    return function bound(this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}
