/**
 * The parts of edge runtime objects this library reads, written by hand so users need no
 * `@cloudflare/workers-types`: any Workers, Vercel or Netlify context satisfies them.
 */
export interface WaitUntilContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException?(): void;
}

export interface ScheduledControllerLike {
  readonly cron: string;
  readonly scheduledTime: number;
}

export interface MessageBatchLike {
  readonly queue: string;
  readonly messages: readonly { readonly id?: string; readonly body?: unknown }[];
}

export function hasWaitUntil(value: unknown): value is WaitUntilContext {
  return typeof value === 'object' && value !== null && typeof (value as WaitUntilContext).waitUntil === 'function';
}

/**
 * The shape of a Workers module handler object, for the types `withObservability` gives an object literal's
 * methods: `request` is a `Request`, `ctx` has `waitUntil`, `env` is what you annotate it with. Methods, so a
 * handler typed with `@cloudflare/workers-types` (a richer `Request`, `ExecutionContext`) still fits.
 */
export interface EdgeHandlerObject {
  // The binding is the user's type; `any` lets an annotated `env: Env` through (`unknown` would reject it).
  /* eslint-disable @typescript-eslint/no-explicit-any */
  fetch?(request: Request, env: any, ctx: WaitUntilContext): unknown;
  scheduled?(controller: ScheduledControllerLike, env: any, ctx: WaitUntilContext): unknown;
  queue?(batch: MessageBatchLike, env: any, ctx: WaitUntilContext): unknown;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
