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
